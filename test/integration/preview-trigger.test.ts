/**
 * The preview (admin) shows what a change would revalidate and why, from the same planner as
 * delivery; the external trigger (content API) lets systems outside Strapi ask for revalidation.
 */
import { outboxDrained, receivedPaths } from '../helpers/revalidation';
import { sleep } from '../helpers/wait';
import { pathsAfter, stop, UIDS, world, type World } from '../helpers/world';

const { ARTICLE, AUTHOR } = UIDS;

describe('POST /revalidation/preview', () => {
  let w: World;
  let jwt: string;
  beforeAll(async () => {
    w = await world();
    jwt = await w.app.adminToken();
  }, 60_000);
  afterAll(() => stop(w));

  const preview = (body: unknown) =>
    w.app.http().post('/revalidation/preview').set('authorization', `Bearer ${jwt}`).send(body as object);
  const values = (res: any, kind: 'paths' | 'tags' | 'layouts' = 'paths') =>
    res.body.data.targets.flatMap((t: any) => t[kind].map((i: any) => i.value)).sort();

  it('an unpublish: the preview lists exactly what is then delivered, with reasons', async () => {
    const res = await preview({ uid: AUTHOR, documentId: w.ids.bob, action: 'unpublish' });
    expect(res.status).toBe(200);
    expect(values(res)).toEqual(['/authors/bob', '/blog/a3']);
    const items = res.body.data.targets[0].paths;
    expect(items.find((i: any) => i.value === '/blog/a3').reasons).toEqual([
      `${ARTICLE} ${w.ids.a3} shows ${AUTHOR} ${w.ids.bob} via ${ARTICLE}.author`,
    ]);
    expect(items.find((i: any) => i.value === '/authors/bob').reasons).toEqual([`gone after unpublish: ${AUTHOR} ${w.ids.bob}`]);

    const delivered = await pathsAfter(w, () => w.app.strapi.documents(AUTHOR as any).unpublish({ documentId: w.ids.bob } as any));
    expect(delivered).toEqual(values(res));
  });

  it('a pending rename in the draft: the preview shows the old and the new page, as the publish then delivers', async () => {
    await w.app.strapi.documents(AUTHOR as any).update({ documentId: w.ids.ann, data: { slug: 'ann-next' } } as any);
    const res = await preview({ uid: AUTHOR, documentId: w.ids.ann }); // action defaults to publish
    expect(res.status).toBe(200);
    expect(values(res)).toEqual(['/authors/ann', '/authors/ann-next', '/blog/a1', '/blog/a2', '/pages/p1']);
    expect(values(res, 'tags')).toEqual([`${AUTHOR}:${w.ids.ann}`, `${AUTHOR}:list`, `${ARTICLE}:${w.ids.a1}`, `${ARTICLE}:${w.ids.a2}`, `${ARTICLE}:list`, `api::page.page:${w.ids.p1}`, 'api::page.page:list'].sort());

    const delivered = await pathsAfter(w, () => w.app.strapi.documents(AUTHOR as any).publish({ documentId: w.ids.ann } as any));
    expect(delivered).toEqual(values(res));
  });

  it.each([
    [{ uid: AUTHOR }, 400, 'documentId'],
    [{ uid: AUTHOR, documentId: 'x', action: 'rename' }, 400, 'action'],
    [{ uid: AUTHOR, documentId: 'x', extra: 1 }, 400, 'extra'],
    [{ uid: 'api::nope.nope', documentId: 'x' }, 400, 'uid'],
    [{ uid: AUTHOR, documentId: 'does-not-exist' }, 404, 'does-not-exist'],
  ])('%j → %i naming %s', async (body, status, word) => {
    const res = await preview(body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body.error)).toContain(word);
  });

  it('answers 403 to an admin who may preview but not read the type in the Content Manager', async () => {
    const roles = w.app.strapi.service('admin::role');
    const role = await roles.create({ name: 'Previewer', description: 'preview, no content' });
    await roles.assignPermissions(role.id, [{ action: 'plugin::revalidation.preview', subject: null, properties: {}, conditions: [] }]);
    const auth = { Authorization: `Bearer ${await w.app.adminTokenForRole(role.id, 'previewer')}` };
    const denied = await w.app.http().post('/revalidation/preview').set(auth).send({ uid: AUTHOR, documentId: w.ids.ann });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/may not read api::author\.author/);

    await roles.assignPermissions(role.id, [
      { action: 'plugin::revalidation.preview', subject: null, properties: {}, conditions: [] },
      { action: 'plugin::content-manager.explorer.read', subject: AUTHOR, properties: { fields: ['name', 'slug'] }, conditions: [] },
    ]);
    const allowed = await w.app.http().post('/revalidation/preview').set(auth).send({ uid: AUTHOR, documentId: w.ids.ann });
    expect(allowed.status).toBe(200);
  });

  it('answers 401 without an admin token', async () => {
    const res = await w.app.http().post('/revalidation/preview').send({ uid: AUTHOR, documentId: w.ids.ann });
    expect(res.status).toBe(401);
  });
});

describe('POST /api/revalidation/trigger', () => {
  let w: World;
  let token: string;
  beforeAll(async () => {
    w = await world();
    token = await w.app.apiToken();
  }, 60_000);
  afterAll(() => stop(w));

  const trigger = (body: unknown, auth = true) => {
    const req = w.app.http().post('/api/revalidation/trigger');
    return (auth ? req.set('authorization', `Bearer ${token}`) : req).send(body as object);
  };

  it('is refused without a token, and nothing is sent', async () => {
    const res = await trigger({ paths: ['/x'] }, false);
    expect([401, 403]).toContain(res.status);
    await sleep(300);
    await outboxDrained(w.app.strapi);
    expect(receivedPaths(w.receiver.requests)).toEqual([]);
  });

  it('{ uid, documentId } → that entry’s pages and every page showing it', async () => {
    let res: any;
    const paths = await pathsAfter(w, async () => {
      res = await trigger({ uid: AUTHOR, documentId: w.ids.bob });
    });
    expect(res.status).toBe(202);
    expect(paths).toEqual(['/authors/bob', '/blog/a3']);
    const events = w.receiver.requests.flatMap((r) => (r.json as any).events);
    expect(events[0]).toMatchObject({ uid: AUTHOR, documentId: w.ids.bob, action: 'update', actor: { kind: 'api-token' } });
  });

  it('{ paths, tags, layouts } → exactly those, logged with the token as reason', async () => {
    let res: any;
    const paths = await pathsAfter(w, async () => {
      res = await trigger({ paths: ['/inventory/shoe'], tags: ['stock'], layouts: ['/shop'] });
    });
    expect(res.status).toBe(202);
    expect(res.body.data.accepted).toEqual({ targets: ['web'], batches: 1 });
    expect(paths).toEqual(['/inventory/shoe']);
    expect(w.receiver.requests[0].json).toMatchObject({ paths: ['/inventory/shoe'], tags: ['stock'], layouts: ['/shop'], events: [] });
    const [row] = await w.app.strapi.db.query('plugin::revalidation.log' as any).findMany({ where: { batchId: w.receiver.requests[0].headers['webhook-id'] } });
    expect(row.reasons['path:/inventory/shoe'][0]).toMatch(/^external trigger by API token "test-/);
  });

  it.each([
    [{}, 'paths'],
    [{ paths: ['no-slash'] }, 'paths[0]'],
    [{ tags: ['x'.repeat(300)] }, 'tags[0]'],
    [{ paths: ['/a'], targets: ['nope'] }, 'targets[0]'],
    [{ uid: AUTHOR }, 'documentId'],
    [{ uid: AUTHOR, documentId: 'x', paths: ['/a'] }, 'uid'],
    [{ uid: 'api::nope.nope', documentId: 'x' }, 'uid'],
    [{ paths: ['/a'], other: true }, 'other'],
  ])('%j → 400 naming %s', async (body, field) => {
    const res = await trigger(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain(field);
  });

  it('answers 404 for an entry that is not published', async () => {
    const res = await trigger({ uid: ARTICLE, documentId: w.ids.a4 });
    expect(res.status).toBe(404);
  });

  it('is rate-limited per token: 429 with Retry-After past 60 a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await trigger({})).status);
    expect(statuses).toContain(429);
    const first429 = statuses.indexOf(429);
    // Earlier tests of this file used some of the minute's budget.
    expect(first429).toBeLessThanOrEqual(60);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
    const res = await trigger({});
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
