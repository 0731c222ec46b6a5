/**
 * A small linked world in test/app for graph, preview and trigger tests: team t1; authors ann
 * (in t1) and bob; articles a1, a2 (ann), a3 (bob) published, a4 (ann) draft only; page p1 whose
 * seo component shows ann and whose dynamic zone features a3.
 */
import { startReceiver, type Receiver } from './receiver';
import { outboxDrained, receivedPaths, TEST_SECRET } from './revalidation';
import { bootStrapi, type TestStrapi } from './strapi';
import { sleep } from './wait';

export const UIDS = {
  ARTICLE: 'api::article.article',
  AUTHOR: 'api::author.author',
  TEAM: 'api::team.team',
  REVIEW: 'api::review.review',
  PAGE: 'api::page.page',
};
const { ARTICLE, AUTHOR, TEAM, PAGE } = UIDS;

/** Rules of the world: every type with pages has one; reviews show on their article's page. */
export const WORLD_RULES = {
  [ARTICLE]: { paths: ['/blog/{slug}'] },
  [AUTHOR]: { paths: ['/authors/{slug}'] },
  [TEAM]: { paths: ['/teams/{slug}'] },
  [PAGE]: { paths: ['/pages/{slug}'] },
  // api::review.review: no rule and no draft & publish; it shows on its article's page
};

export interface World {
  app: TestStrapi;
  receiver: Receiver;
  ids: Record<string, string>;
}

/** Boots test/app with these `graph` settings and publishes the world. */
export async function world(graph: Record<string, unknown> = {}, extraRules: Record<string, unknown> = {}): Promise<World> {
  const receiver = await startReceiver();
  const app = await bootStrapi({
    config: {
      targets: [{ name: 'web', preset: 'webhook', url: `${receiver.url}/hook`, secret: TEST_SECRET }],
      rules: { ...WORLD_RULES, ...extraRules },
      graph,
      debounceMs: 100,
      maxWaitMs: 1000,
    },
  });
  const docs = (uid: string) => app.strapi.documents(uid as any);
  const ids: Record<string, string> = {};
  const publish = async (name: string, uid: string, data: Record<string, unknown>) => {
    ids[name] = (await docs(uid).create({ data, status: 'published' } as any)).documentId;
  };
  await publish('t1', TEAM, { name: 'Team one', slug: 't1' });
  await publish('ann', AUTHOR, { name: 'Ann', slug: 'ann', team: ids.t1 });
  await publish('bob', AUTHOR, { name: 'Bob', slug: 'bob' });
  await publish('a1', ARTICLE, { title: 'A1', slug: 'a1', author: ids.ann });
  await publish('a2', ARTICLE, { title: 'A2', slug: 'a2', author: ids.ann });
  await publish('a3', ARTICLE, { title: 'A3', slug: 'a3', author: ids.bob });
  ids.a4 = (await docs(ARTICLE).create({ data: { title: 'A4', slug: 'a4', author: ids.ann } } as any)).documentId;
  await publish('p1', PAGE, {
    title: 'P1',
    slug: 'p1',
    seo: { metaTitle: 'P1', author: ids.ann },
    blocks: [
      { __component: 'blocks.text', body: 'Welcome' },
      { __component: 'blocks.featured-article', heading: 'Read this', article: ids.a3 },
    ],
  });
  await outboxDrained(app.strapi);
  receiver.requests.length = 0;
  return { app, receiver, ids };
}

/** Makes a change, waits until the outbox is drained, returns the sorted paths received. */
export async function pathsAfter(w: World, change: () => Promise<unknown>) {
  w.receiver.requests.length = 0;
  await change();
  await sleep(150); // the debounce window opens after commit
  await outboxDrained(w.app.strapi);
  return [...new Set(receivedPaths(w.receiver.requests))].sort();
}

export const stop = async (w?: World) => {
  await w?.app.stop();
  await w?.receiver.close();
};

