/**
 * Every kind of write goes through the trigger: REST, Content Manager bulk publish, a release
 * publishing several entries, and a single type whose rule revalidates a layout.
 */
import { outboxDrained } from '../helpers/revalidation';
import { sleep } from '../helpers/wait';
import { pathsAfter, stop, UIDS, world, type World } from '../helpers/world';

const { ARTICLE, AUTHOR } = UIDS;
const HEADER = 'api::site-header.site-header';

describe('kinds of writes', () => {
  let w: World;
  let jwt: string;
  let token: string;
  beforeAll(async () => {
    w = await world({}, { [HEADER]: { layouts: ['/'], tags: [] } });
    jwt = await w.app.adminToken();
    token = await w.app.apiToken();
  }, 60_000);
  afterAll(() => stop(w));

  const admin = () => ({ authorization: `Bearer ${jwt}` });
  const draft = async (title: string, slug: string, author: string) =>
    (await w.app.strapi.documents(ARTICLE as any).create({ data: { title, slug, author } } as any)).documentId;

  it('a REST update of an author → its pages and its articles’ pages', async () => {
    let status = 0;
    const paths = await pathsAfter(w, async () => {
      const res = await w.app
        .http()
        .put(`/api/authors/${w.ids.bob}`)
        .set('authorization', `Bearer ${token}`)
        .send({ data: { slug: 'bob-rest' } });
      status = res.status;
    });
    expect(status).toBe(200);
    expect(paths).toEqual(['/authors/bob', '/authors/bob-rest', '/blog/a3']);
  });

  it('a Content Manager bulk publish of several entries → each entry’s page and their author’s, in one go', async () => {
    const ids = [await draft('B1', 'bulk-1', w.ids.ann), await draft('B2', 'bulk-2', w.ids.ann), await draft('B3', 'bulk-3', w.ids.ann)];
    let status = 0;
    const paths = await pathsAfter(w, async () => {
      const res = await w.app
        .http()
        .post(`/content-manager/collection-types/${ARTICLE}/actions/bulkPublish`)
        .set(admin())
        .send({ documentIds: ids });
      status = res.status;
    });
    expect(status).toBe(200);
    expect(paths).toEqual(['/authors/ann', '/blog/bulk-1', '/blog/bulk-2', '/blog/bulk-3']);
  });

  // content-releases is a licensed ("gold") feature in Strapi 5.54: without a licence its routes
  // are not registered (405). What its publish does is reproduced here as it is written in
  // @strapi/content-releases (services/release.js): a transaction holding the release lock, and
  // inside it one transaction that publishes every action with the document service.
  const publishLikeARelease = (ids: string[], fail = false) =>
    w.app.strapi.db.transaction(async () => {
      await w.app.strapi.db.transaction(async () => {
        for (const documentId of ids) await w.app.strapi.documents(ARTICLE as any).publish({ documentId } as any);
      });
      if (fail) throw new Error('release failed after publishing');
    });

  it('a release publishing several entries → each entry’s page and their authors’, after the release commits', async () => {
    const ids = [await draft('R1', 'release-1', w.ids.ann), await draft('R2', 'release-2', w.ids.bob)];
    const paths = await pathsAfter(w, () => publishLikeARelease(ids));
    expect(paths).toEqual(['/authors/ann', '/authors/bob-rest', '/blog/release-1', '/blog/release-2']);
  });

  it('a release that fails after publishing → rolled back, nothing sent', async () => {
    const ids = [await draft('F1', 'failed-1', w.ids.ann)];
    const paths = await pathsAfter(w, () => publishLikeARelease(ids, true).catch(() => undefined));
    expect(paths).toEqual([]);
    expect(await w.app.strapi.db.query(ARTICLE as any).count({ where: { slug: 'failed-1', publishedAt: { $notNull: true } } })).toBe(0);
  });

  it('a single type with layouts: [\'/\'] → everything under / as a layout', async () => {
    w.receiver.requests.length = 0;
    await w.app.strapi.documents(HEADER as any).create({ data: { siteName: 'Site', tagline: 'New' }, status: 'published' } as any);
    await sleep(150);
    await outboxDrained(w.app.strapi);
    expect(w.receiver.requests.map((r) => r.json)).toEqual([
      { paths: [], tags: [], layouts: ['/'], events: [expect.objectContaining({ uid: HEADER, action: 'create' })] },
    ]);
  });

  it('the author change made by the REST call above is attributed to the API token', async () => {
    const rows = await w.app.strapi.db.query('plugin::revalidation.log' as any).findMany({ where: { documentIds: { $contains: `|${w.ids.bob}|` } } });
    expect(rows.some((r: any) => r.events.some((e: any) => e.uid === AUTHOR && e.actor?.kind === 'api-token'))).toBe(true);
  });
});
