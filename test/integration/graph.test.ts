/**
 * Dependency-aware revalidation against a real Strapi: a change revalidates every page that shows
 * the changed entry, and nothing unrelated. Each test asserts the exact set of paths received.
 */
import { outboxDrained, receivedPaths, waitForLogRows } from '../helpers/revalidation';
import { sleep } from '../helpers/wait';
import { pathsAfter, stop, UIDS, world, type World } from '../helpers/world';

const { ARTICLE, AUTHOR, TEAM, REVIEW, PAGE } = UIDS;

describe('graph at the default depth (1)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  }, 60_000);
  afterAll(() => stop(w));

  const docs = (uid: string) => w.app.strapi.documents(uid as any);

  it('author renamed → its old and new page, every published article and the page showing it (not the draft a4)', async () => {
    const paths = await pathsAfter(w, () =>
      docs(AUTHOR).update({ documentId: w.ids.ann, data: { slug: 'ann-renamed' }, status: 'published' } as any)
    );
    expect(paths).toEqual(['/authors/ann', '/authors/ann-renamed', '/blog/a1', '/blog/a2', '/pages/p1']);
    await docs(AUTHOR).update({ documentId: w.ids.ann, data: { slug: 'ann' }, status: 'published' } as any);
    await outboxDrained(w.app.strapi);
  });

  it('article moved from ann to bob → the article and both authors’ pages', async () => {
    const paths = await pathsAfter(w, () =>
      docs(ARTICLE).update({ documentId: w.ids.a2, data: { author: w.ids.bob }, status: 'published' } as any)
    );
    expect(paths).toEqual(['/authors/ann', '/authors/bob', '/blog/a2']);
    const rows = await waitForLogRows(w.app.strapi, { target: 'web' });
    const last = rows[rows.length - 1];
    expect(last.reasons['path:/authors/ann']).toEqual([`${AUTHOR} ${w.ids.ann} shows ${ARTICLE} ${w.ids.a2} via ${AUTHOR}.articles`]);
  });

  it('team renamed at depth 1 → its own pages and its authors, not their articles', async () => {
    const paths = await pathsAfter(w, () =>
      docs(TEAM).update({ documentId: w.ids.t1, data: { slug: 't1-new' }, status: 'published' } as any)
    );
    expect(paths).toEqual(['/authors/ann', '/teams/t1', '/teams/t1-new']);
  });

  it('a relation inside a dynamic zone: article a3 renamed → its pages, its author’s and the page featuring it', async () => {
    const paths = await pathsAfter(w, () =>
      docs(ARTICLE).update({ documentId: w.ids.a3, data: { slug: 'a3-new' }, status: 'published' } as any)
    );
    expect(paths).toEqual(['/authors/bob', '/blog/a3', '/blog/a3-new', '/pages/p1']);
  });

  it('a review (no rule, no draft & publish) → the page of the article it is on', async () => {
    const paths = await pathsAfter(w, () =>
      docs(REVIEW).create({ data: { body: 'Great', rating: 5, article: w.ids.a1 } } as any)
    );
    expect(paths).toEqual(['/blog/a1']);
  });

  it('author unpublished → also the page showing her through a component (a link the unpublish removes)', async () => {
    // a2 moved to bob above; a1 is ann's last published article.
    const paths = await pathsAfter(w, () => docs(AUTHOR).unpublish({ documentId: w.ids.ann } as any));
    expect(paths).toEqual(['/authors/ann', '/blog/a1', '/pages/p1']);
  });

  it('article deleted → its page, its author’s, and the page featuring it in a dynamic zone', async () => {
    const paths = await pathsAfter(w, () => docs(ARTICLE).delete({ documentId: w.ids.a3 } as any));
    expect(paths).toEqual(['/authors/bob', '/blog/a3-new', '/pages/p1']);
  });

  it('a draft save of a dependency → nothing', async () => {
    const paths = await pathsAfter(w, () => docs(AUTHOR).update({ documentId: w.ids.bob, data: { name: 'Bobby' } } as any));
    expect(paths).toEqual([]);
  });
});

describe('graph at depth 2, with a cycle', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ maxDepth: 2 });
  }, 60_000);
  afterAll(() => stop(w));

  it('team renamed → its authors, and their published articles and pages', async () => {
    const paths = await pathsAfter(w, () =>
      w.app.strapi.documents(TEAM as any).update({ documentId: w.ids.t1, data: { slug: 't1-new' }, status: 'published' } as any)
    );
    expect(paths).toEqual(['/authors/ann', '/blog/a1', '/blog/a2', '/pages/p1', '/teams/t1', '/teams/t1-new']);
  });

  it('author ↔ article is a cycle: an author change ends after two hops without repeats', async () => {
    const paths = await pathsAfter(w, () =>
      w.app.strapi.documents(AUTHOR as any).update({ documentId: w.ids.bob, data: { name: 'Bob B.' }, status: 'published' } as any)
    );
    // bob → a3 (hop 1) → bob again (visited, stops) and p1, which features a3 (hop 2)
    expect(paths).toEqual(['/authors/bob', '/blog/a3', '/pages/p1']);
  });
});

describe('graph with an edge switched off and a small fan-out cap', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ disabledEdges: [`${PAGE}.seo.author`], fanOutCap: 1 });
  }, 60_000);
  afterAll(() => stop(w));

  it('collapses two articles into the list tag; the page behind the disabled edge is not revalidated', async () => {
    w.receiver.requests.length = 0;
    await w.app.strapi.documents(AUTHOR as any).update({ documentId: w.ids.ann, data: { name: 'Ann A.' }, status: 'published' } as any);
    await sleep(150);
    await outboxDrained(w.app.strapi);
    expect(receivedPaths(w.receiver.requests).sort()).toEqual(['/authors/ann']);
    // Rules without tags get the default scheme: the author's own tags, and the articles'
    // list tag standing for the two articles.
    const tags = w.receiver.requests.flatMap((r) => (r.json as any).tags).sort();
    expect(tags).toEqual([`${ARTICLE}:list`, `${AUTHOR}:${w.ids.ann}`, `${AUTHOR}:list`].sort());
  });
});
