import { checkFieldPath, checkRules, readSpec, type Schemas } from '../../../server/src/domain/schema';
import { mergePopulate } from '../../../server/src/services/graph';

const schemas: Schemas = {
  contentTypes: {
    'api::article.article': {
      attributes: {
        title: { type: 'string' },
        slug: { type: 'uid' },
        rank: { type: 'integer' },
        body: { type: 'blocks' },
        cover: { type: 'media' },
        author: { type: 'relation', relation: 'manyToOne', target: 'api::author.author' },
        tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' },
        seo: { type: 'component', component: 'shared.seo' },
        blocks: { type: 'dynamiczone', components: ['shared.seo'] },
        owner: { type: 'relation', relation: 'morphToOne' },
      },
    },
    'api::author.author': { attributes: { name: { type: 'string' }, slug: { type: 'uid' }, team: { type: 'relation', target: 'api::team.team' } } },
    'api::team.team': { attributes: { code: { type: 'string' } } },
    'api::tag.tag': { attributes: { slug: { type: 'uid' } } },
  },
  components: { 'shared.seo': { attributes: { canonical: { type: 'string' }, related: { type: 'relation', target: 'api::article.article' } } } },
};

describe('checkFieldPath', () => {
  it.each([
    ['slug', undefined],
    ['rank', undefined],
    ['author.slug', undefined],
    ['author.documentId', undefined],
    ['author.team.code', undefined],
    ['tags.slug', undefined],
    ['seo.canonical', undefined],
    ['seo.related.slug', undefined],
    ['documentId', undefined],
    ['nope', 'api::article.article has no field "nope"'],
    ['author.nope', 'api::author.author has no field "nope"'],
    ['author', '"author" is a relation: name one of its fields, such as {author.slug}'],
    ['seo', '"seo" is a component: name one of its fields, such as {seo.slug}'],
    ['blocks.canonical', '"blocks" is a dynamic zone, which patterns cannot read'],
    ['cover.url', '"cover" is of type media, which has no text value'],
    ['body', '"body" is of type blocks, which has no text value'],
    ['slug.x', '"slug" is a uid field and has no field "x"'],
    ['owner.slug', '"owner" is a polymorphic relation, which patterns cannot follow'],
  ])('article {%s} → %s', (path, problem) => {
    expect(checkFieldPath('api::article.article', path.split('.'), schemas)).toBe(problem);
  });
});

describe('checkRules', () => {
  it('names each rule, pattern and field at fault', () => {
    expect(
      checkRules(
        {
          'api::article.article': { paths: ['/blog/{slug}', '/a/{author.nope}'], tags: ['t:{title}', 'x:{seo}'] },
          'api::missing.missing': { paths: ['/m'] },
          'api::tag.tag': { paths: ['/{locale}/tags/{slug}'] },
        },
        schemas
      )
    ).toEqual([
      'rules["api::article.article"].paths[1] ({author.nope}): api::author.author has no field "nope"',
      'rules["api::article.article"].tags[1] ({seo}): "seo" is a component: name one of its fields, such as {seo.slug}',
      'rules["api::missing.missing"]: no content type has this uid',
      'rules["api::tag.tag"].paths[0] ({locale}): api::tag.tag is not localized, so {locale} is always empty',
    ]);
  });
});

describe('readSpec', () => {
  const REL = ['id', 'documentId'];
  it.each([
    [[['slug']], ['id', 'documentId', 'slug'], {}],
    [[['author', 'slug']], REL, { author: { select: [...REL, 'slug'] } }],
    [[['author', 'slug'], ['author', 'team', 'code'], ['slug']], [...REL, 'slug'], { author: { select: [...REL, 'slug'], populate: { team: { select: [...REL, 'code'] } } } }],
    [[['seo', 'related', 'slug'], ['tags', 'slug']], REL, { seo: { select: ['id'], populate: { related: { select: [...REL, 'slug'] } } }, tags: { select: [...REL, 'slug'] } }],
    [[['author', 'documentId'], ['documentId']], REL, { author: { select: REL } }],
  ])('%j → select %j, populate %j', (paths, select, populate) => {
    expect(readSpec('api::article.article', paths, schemas)).toEqual({ select, populate });
  });
});

describe('mergePopulate', () => {
  it.each([
    [{}, { a: { select: ['documentId'] } }, { a: { select: ['documentId'] } }],
    [{ a: true }, { a: { select: ['documentId'] } }, { a: true }],
    [{ a: { select: ['x'] } }, { a: { select: ['documentId'] } }, { a: { select: ['x', 'documentId'] } }],
    [{ a: { populate: { b: true } } }, { a: { populate: { c: { select: ['documentId'] } } } }, { a: { populate: { b: true, c: { select: ['documentId'] } } } }],
    [{ a: true }, { b: true }, { a: true, b: true }],
  ])('%j + %j → %j', (a, b, expected) => {
    expect(mergePopulate(a as any, b as any)).toEqual(expected);
  });
});
