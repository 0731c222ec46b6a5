import { findDependents, type DependentsPort, type GraphOptions } from '../../../server/src/domain/dependents';
import { deriveGraph, type Edge } from '../../../server/src/domain/graph';
import type { Schemas } from '../../../server/src/domain/schema';
import type { Change } from '../../../server/src/domain/types';

const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const TEAM = 'api::team.team';

const schemas: Schemas = {
  contentTypes: {
    [ARTICLE]: { attributes: { slug: { type: 'uid' }, author: { type: 'relation', relation: 'manyToOne', target: AUTHOR, inversedBy: 'articles' } as any } },
    [AUTHOR]: {
      attributes: {
        slug: { type: 'uid' },
        articles: { type: 'relation', relation: 'oneToMany', target: ARTICLE, mappedBy: 'author' } as any,
        team: { type: 'relation', relation: 'manyToOne', target: TEAM },
      },
    },
    [TEAM]: { attributes: { slug: { type: 'uid' } } },
  },
  components: {},
};
const graph = deriveGraph(schemas);

/** An in-memory database: for each edge, which entries of its source link to which of its target. */
function fakePort(data: { links: Record<string, Array<[from: string, to: string, locale?: string]>>; unpublished?: string[] }) {
  const calls: string[] = [];
  const port: DependentsPort = {
    async referencing(edge: Edge, ids, locale) {
      calls.push(`referencing ${edge.id}`);
      return (data.links[edge.id] ?? [])
        .filter(([from, to, l]) => ids.includes(to) && !data.unpublished?.includes(from) && (locale === null || !l || l === locale))
        .map(([from, to, l]) => ({ documentId: from, locale: l ?? null, via: to }));
    },
    async published(_uid, ids) {
      calls.push('published');
      return ids.filter((id) => !data.unpublished?.includes(id)).map((documentId) => ({ documentId, locale: null }));
    },
  };
  return { port, calls };
}

/** Both sides of the article–author relation and the author → team link, as stored after the writes. */
const linksOf = (articles: Array<[string, string]>) => ({
  [`${ARTICLE}.author`]: articles,
  [`${AUTHOR}.articles`]: articles.map(([article, author]) => [author, article] as [string, string]),
  [`${AUTHOR}.team`]: [['ann', 't1']] as Array<[string, string]>,
});

const change = (uid: string, documentId: string, before: Record<string, unknown> = {}): Change => ({
  uid,
  documentId,
  action: 'publish',
  before: [{ locale: null, entry: before }],
  after: [{ locale: null, entry: {} }],
});

const options = (extra: Partial<GraphOptions> = {}): GraphOptions => ({
  maxDepth: 1,
  disabledEdges: new Set(),
  fanOutCap: 1000,
  ...extra,
});

const data = {
  links: linksOf([
    ['x', 'ann'],
    ['y', 'ann'],
    ['z', 'bob'],
  ]),
  unpublished: ['z'],
};

const ids = (result: Awaited<ReturnType<typeof findDependents>>) =>
  result.dependents.map((d) => `${d.uid.split('.')[1]} ${d.documentId} d${d.depth}`).sort();

describe('findDependents', () => {
  it.each<[string, Change, Partial<GraphOptions>, string[]]>([
    ['author renamed → its published articles', change(AUTHOR, 'ann'), {}, ['article x d1', 'article y d1']],
    ['an author whose only article is unpublished → nothing', change(AUTHOR, 'bob'), {}, []],
    ['article moved from ann to bob → both authors', { ...change(ARTICLE, 'z', { author: { documentId: 'ann' } }) }, {}, ['author ann d1', 'author bob d1']],
    ['team renamed, depth 1 → its authors', change(TEAM, 't1'), {}, ['author ann d1']],
    ['team renamed, depth 2 → its authors and their articles', change(TEAM, 't1'), { maxDepth: 2 }, ['article x d2', 'article y d2', 'author ann d1']],
    ['a cycle (author ↔ article) at depth 3 ends', change(AUTHOR, 'ann'), { maxDepth: 3 }, ['article x d1', 'article y d1']],
    ['a disabled edge is not followed', change(AUTHOR, 'ann'), { disabledEdges: new Set([`${ARTICLE}.author`]) }, []],
    ['depth 0: the own rule only', change(AUTHOR, 'ann'), { maxDepth: 0 }, []],
  ])('%s', async (_, c, extra, expected) => {
    // In the move case z is published and now linked to bob; its before snapshot says ann.
    const { port } = fakePort(c.uid === ARTICLE ? { links: data.links } : data);
    expect(ids(await findDependents([c], graph, options(extra), port))).toEqual(expected);
  });

  it('follows the links an unpublish removed, as the trigger recorded them', async () => {
    const { port } = fakePort({ links: {} });
    const unpublished: Change = {
      ...change(TEAM, 't1'),
      action: 'unpublish',
      after: [],
      linked: [{ edge: `${AUTHOR}.team`, documentId: 'ann', locale: null }],
    };
    expect(ids(await findDependents([unpublished], graph, options(), port))).toEqual(['author ann d1']);
  });

  it('says why: which entry, through which edge', async () => {
    const { port } = fakePort(data);
    const result = await findDependents([change(AUTHOR, 'ann')], graph, options(), port);
    expect(result.dependents[0].reason).toBe(`shows ${AUTHOR} ann via ${ARTICLE}.author`);
  });

  it('collapses a fan-out over the cap instead of listing entries', async () => {
    const { port } = fakePort(data);
    const result = await findDependents([change(AUTHOR, 'ann')], graph, options({ fanOutCap: 1 }), port);
    expect(result.dependents).toEqual([]);
    expect(result.collapsed).toEqual([{ uid: ARTICLE, edge: `${ARTICLE}.author`, count: 2, change: 0 }]);
  });

  it('makes one lookup per edge and hop, however many dependents there are', async () => {
    const many = Array.from({ length: 500 }, (_, i) => [`a${i}`, 'ann'] as [string, string]);
    const { port, calls } = fakePort({ links: linksOf(many) });
    const changes = [change(AUTHOR, 'ann'), change(AUTHOR, 'ann2')];
    const result = await findDependents(changes, graph, options({ maxDepth: 2 }), port);
    expect(result.dependents).toHaveLength(500);
    // hop 1: edges into author (article.author); hop 2: edges into article (author.articles)
    expect(calls).toEqual([`referencing ${ARTICLE}.author`, `referencing ${AUTHOR}.articles`]);
  });
});
