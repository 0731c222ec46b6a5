import { deriveGraph } from '../../../server/src/domain/graph';
import type { Schemas } from '../../../server/src/domain/schema';

const schemas: Schemas = {
  contentTypes: {
    'api::article.article': {
      attributes: {
        title: { type: 'string' },
        author: { type: 'relation', relation: 'manyToOne', target: 'api::author.author', inversedBy: 'articles' } as any,
        related: { type: 'relation', relation: 'manyToMany', target: 'api::article.article' },
        parent: { type: 'relation', relation: 'oneToOne', target: 'api::article.article' },
        cover: { type: 'media' },
        image: { type: 'relation', relation: 'oneToOne', target: 'plugin::upload.file' },
        createdBy: { type: 'relation', relation: 'oneToOne', target: 'admin::user' },
        seo: { type: 'component', component: 'shared.seo' },
        blocks: { type: 'dynamiczone', components: ['blocks.quote', 'blocks.cards'] },
      },
    },
    'api::author.author': {
      attributes: {
        name: { type: 'string' },
        articles: { type: 'relation', relation: 'oneToMany', target: 'api::article.article', mappedBy: 'author' } as any,
      },
    },
    'api::review.review': {
      attributes: {
        // unidirectional: a product page shows its reviews only if product declares them
        product: { type: 'relation', relation: 'manyToOne', target: 'api::product.product' },
      },
    },
    'api::product.product': { attributes: { name: { type: 'string' } } },
    'plugin::upload.file': { attributes: {} },
    'admin::user': { attributes: {} },
  },
  components: {
    'shared.seo': { attributes: { meta: { type: 'component', component: 'shared.meta' } } },
    'shared.meta': { attributes: { ogAuthor: { type: 'relation', relation: 'oneToOne', target: 'api::author.author' } } },
    'blocks.quote': { attributes: { source: { type: 'relation', relation: 'manyToOne', target: 'api::author.author' } } },
    'blocks.cards': { attributes: { products: { type: 'relation', relation: 'manyToMany', target: 'api::product.product' }, nested: { type: 'component', component: 'blocks.cards' } } },
  },
};

describe('deriveGraph', () => {
  const graph = deriveGraph(schemas);
  const byId = Object.fromEntries(graph.edges.map((e) => [e.id, e]));

  it('has one edge per relation attribute, through components and dynamic zones, media and admin users left out', () => {
    expect(graph.edges.map((e) => `${e.id} → ${e.to}`).sort()).toEqual([
      'api::article.article.author → api::author.author',
      'api::article.article.blocks(blocks.cards).products → api::product.product',
      'api::article.article.blocks(blocks.quote).source → api::author.author',
      'api::article.article.parent → api::article.article',
      'api::article.article.related → api::article.article',
      'api::article.article.seo.meta.ogAuthor → api::author.author',
      'api::author.author.articles → api::article.article',
      'api::review.review.product → api::product.product',
    ]);
  });

  it('gives both directions of a bidirectional relation, with the inverse field', () => {
    expect(byId['api::article.article.author']).toMatchObject({ from: 'api::article.article', inverse: 'articles', toMany: false });
    expect(byId['api::author.author.articles']).toMatchObject({ from: 'api::author.author', inverse: 'author', toMany: true });
  });

  it('gives only the owning side of a unidirectional relation', () => {
    expect(graph.into.get('api::review.review')).toBeUndefined();
    expect(graph.into.get('api::product.product')!.map((e) => e.id).sort()).toEqual([
      'api::article.article.blocks(blocks.cards).products',
      'api::review.review.product',
    ]);
  });

  it('records the steps through components and dynamic zones', () => {
    expect(byId['api::article.article.seo.meta.ogAuthor'].steps).toEqual([
      { kind: 'component', field: 'seo', component: 'shared.seo' },
      { kind: 'component', field: 'meta', component: 'shared.meta' },
      { kind: 'relation', field: 'ogAuthor' },
    ]);
    expect(byId['api::article.article.blocks(blocks.quote).source'].steps).toEqual([
      { kind: 'dynamiczone', field: 'blocks', component: 'blocks.quote' },
      { kind: 'relation', field: 'source' },
    ]);
    expect(byId['api::article.article.seo.meta.ogAuthor'].inverse).toBeUndefined();
  });

  it('keeps self-relations and does not loop on a component that contains itself', () => {
    expect(graph.into.get('api::article.article')!.map((e) => e.id).sort()).toEqual([
      'api::article.article.parent',
      'api::article.article.related',
      'api::author.author.articles',
    ]);
  });
});
