/**
 * The core pipeline against a real Strapi and a real loopback receiver:
 * write → trigger → outbox → planner → batches → delivery → log.
 */
import { Webhook } from 'standardwebhooks';

import { verifyWebhook } from '../../server/src/domain/signing';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { logRows, outboxDrained, receivedPaths, receivedTags, TEST_SECRET, waitForLogRows } from '../helpers/revalidation';
import { bootStrapi, type TestStrapi } from '../helpers/strapi';
import { eventually, sleep } from '../helpers/wait';

const ARTICLE = 'api::article.article';
const CM = `/content-manager/collection-types/${ARTICLE}`;
const DEBOUNCE = 500; // the default

describe('a write reaches the frontend', () => {
  let receiver: Receiver;
  let app: TestStrapi;
  let jwt: string;
  let token: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await bootStrapi({
      config: {
        targets: [{ name: 'web', preset: 'webhook', url: `${receiver.url}/api/revalidate`, secret: TEST_SECRET }],
        rules: {
          [ARTICLE]: { paths: ['/blog/{slug}', '/blog'], tags: ['article:{documentId}'] },
          'api::author.author': { paths: ['/authors/{slug}'] },
        },
      },
    });
    jwt = await app.adminToken();
    token = await app.apiToken();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  beforeEach(async () => {
    await outboxDrained(app.strapi);
    receiver.requests.length = 0;
    receiver.setResponder(undefined);
  });

  const admin = () => ({ authorization: `Bearer ${jwt}` });
  const api = () => ({ authorization: `Bearer ${token}` });

  /** Publishes an article over REST, waits for its delivery and clears the receiver; its documentId. */
  const published = async (title: string, slug: string): Promise<string> => {
    const created = await app.http().post('/api/articles').set(api()).send({ data: { title, slug } });
    await receiver.waitFor((r) => receivedPaths(r).includes(`/blog/${slug}`));
    await outboxDrained(app.strapi);
    receiver.requests.length = 0;
    return created.body.data.documentId;
  };

  it('admin create then publish → the entry’s page, the list page and its tag, signed', async () => {
    const created = await app.http().post(CM).set(admin()).send({ title: 'Admin post', slug: 'admin-post' });
    expect(created.status).toBe(201);
    const { documentId } = created.body.data;
    // Saving the draft alone revalidates nothing; publishing does.
    const published = await app.http().post(`${CM}/${documentId}/actions/publish`).set(admin()).send({});
    expect(published.status).toBe(200);

    await receiver.waitFor((r) => receivedPaths(r).includes('/blog/admin-post'));
    const [request] = receiver.requests;
    expect(receiver.requests).toHaveLength(1);
    expect(request.url).toBe('/api/revalidate');
    expect(request.json).toEqual({
      paths: ['/blog/admin-post', '/blog'],
      tags: [`article:${documentId}`],
      layouts: [],
      events: [
        {
          uid: ARTICLE,
          documentId,
          locale: null,
          action: 'publish',
          actor: { kind: 'admin', id: expect.anything(), name: 'admin@example.com' },
        },
      ],
    });
    expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    // Our verifier and the reference implementation both accept it.
    expect(verifyWebhook(TEST_SECRET, request.headers, request.rawBody)).toEqual(request.json);
    expect(new Webhook(TEST_SECRET).verify(request.rawBody, request.headers as Record<string, string>)).toEqual(request.json);

    const [row] = await waitForLogRows(app.strapi, { batchId: request.headers['webhook-id'] });
    expect(row).toMatchObject({ target: 'web', attempt: 1, status: 'success', httpStatus: 200, paths: ['/blog/admin-post', '/blog'] });
    expect(row.reasons['path:/blog/admin-post']).toEqual([`own page of ${ARTICLE} ${documentId}`]);
  });

  it('a REST POST with an API token (published by default) → its paths', async () => {
    const res = await app.http().post('/api/articles').set(api()).send({ data: { title: 'Rest post', slug: 'rest-post' } });
    expect(res.status).toBe(201);
    await receiver.waitFor((r) => receivedPaths(r).includes('/blog/rest-post'));
    expect(receivedPaths(receiver.requests).sort()).toEqual(['/blog', '/blog/rest-post']);
    expect((receiver.requests[0].json as any).events[0]).toMatchObject({ action: 'create', actor: { kind: 'api-token' } });
  });

  it('a slug rename → the old and the new path', async () => {
    const documentId = await published('Rename me', 'before-rename');

    const res = await app.http().put(`/api/articles/${documentId}`).set(api()).send({ data: { slug: 'after-rename' } });
    expect(res.status).toBe(200);
    await receiver.waitFor((r) => receivedPaths(r).includes('/blog/after-rename'));
    expect(receivedPaths(receiver.requests).sort()).toEqual(['/blog', '/blog/after-rename', '/blog/before-rename']);
    const [row] = await waitForLogRows(app.strapi, { batchId: receiver.requests[0].headers['webhook-id'] });
    expect(row.reasons['path:/blog/before-rename']).toEqual([`old value before the change: ${ARTICLE} ${documentId}`]);
  });

  it('an admin rename through draft + publish → old and new (before = the published entry, not the draft)', async () => {
    const created = await app.http().post(CM).set(admin()).send({ title: 'Draft rename', slug: 'draft-old' });
    const { documentId } = created.body.data;
    await app.http().post(`${CM}/${documentId}/actions/publish`).set(admin()).send({});
    await receiver.waitFor((r) => receivedPaths(r).includes('/blog/draft-old'));
    await outboxDrained(app.strapi);
    receiver.requests.length = 0;

    const saved = await app.http().put(`${CM}/${documentId}`).set(admin()).send({ title: 'Draft rename', slug: 'draft-new' });
    expect(saved.status).toBe(200);
    await app.http().post(`${CM}/${documentId}/actions/publish`).set(admin()).send({});
    await receiver.waitFor((r) => receivedPaths(r).includes('/blog/draft-new'));
    expect(receivedPaths(receiver.requests).sort()).toEqual(['/blog', '/blog/draft-new', '/blog/draft-old']);
  });

  it('unpublish → the path that disappears', async () => {
    const documentId = await published('Unpublish me', 'to-unpublish');

    const res = await app.http().post(`${CM}/${documentId}/actions/unpublish`).set(admin()).send({});
    expect(res.status).toBe(200);
    await receiver.waitFor((r) => receivedPaths(r).includes('/blog/to-unpublish'));
    expect(receivedPaths(receiver.requests).sort()).toEqual(['/blog', '/blog/to-unpublish']);
    expect((receiver.requests[0].json as any).events[0].action).toBe('unpublish');
  });

  it('delete → the path that disappears', async () => {
    const documentId = await published('Delete me', 'to-delete');

    const res = await app.http().delete(`/api/articles/${documentId}`).set(api());
    expect(res.status).toBe(204);
    await receiver.waitFor((r) => receivedPaths(r).includes('/blog/to-delete'));
    expect(receivedPaths(receiver.requests).sort()).toEqual(['/blog', '/blog/to-delete']);
    expect(receivedTags(receiver.requests)).toEqual([`article:${documentId}`]);
  });

  it('a draft save → no request within 3× the debounce', async () => {
    const created = await app.http().post(CM).set(admin()).send({ title: 'Only a draft', slug: 'only-draft' });
    expect(created.status).toBe(201);
    await app.http().put(`${CM}/${created.body.data.documentId}`).set(admin()).send({ title: 'Still a draft', slug: 'only-draft-2' });
    await sleep(3 * DEBOUNCE);
    expect(receiver.requests).toEqual([]);
    expect(await app.strapi.db.query('plugin::revalidation.change' as any).count({})).toBe(0);
  });

  it('a write whose transaction fails after the outbox insert → no row, no request', async () => {
    const documents = app.strapi.documents(ARTICLE as any);
    await expect(
      app.strapi.db.transaction(async () => {
        await documents.create({ data: { title: 'Rolled back', slug: 'rolled-back' }, status: 'published' } as any);
        // The trigger has inserted its change row by now, inside this transaction.
        expect(await app.strapi.db.query('plugin::revalidation.change' as any).count({})).toBe(1);
        throw new Error('a later write failed');
      })
    ).rejects.toThrow('a later write failed');
    expect(await app.strapi.db.query('plugin::revalidation.change' as any).count({})).toBe(0);
    await sleep(3 * DEBOUNCE);
    expect(receiver.requests).toEqual([]);
    expect(await app.strapi.db.query(ARTICLE as any).count({ where: { slug: 'rolled-back' } })).toBe(0);
  });

  it('50 awaited create+publish calls → at most ceil(items / batchSize) requests holding every path', async () => {
    const documents = app.strapi.documents(ARTICLE as any);
    const slugs: string[] = [];
    for (let i = 0; i < 50; i++) {
      const slug = `bulk-${i}`;
      slugs.push(slug);
      const draft = await documents.create({ data: { title: `Bulk ${i}`, slug } } as any);
      await documents.publish({ documentId: draft.documentId } as any);
    }
    const expected = ['/blog', ...slugs.map((s) => `/blog/${s}`)];
    await receiver.waitFor((r) => expected.every((p) => receivedPaths(r).includes(p)), 15_000);
    await outboxDrained(app.strapi);
    // 51 paths + 50 tags, at most 100 items per request.
    expect(receiver.requests.length).toBeLessThanOrEqual(Math.ceil((51 + 50) / 100));
    expect(receivedPaths(receiver.requests).sort()).toEqual([...expected].sort());
    expect(receivedTags(receiver.requests)).toHaveLength(50);
  }, 60_000);
});

describe('GET /revalidation/logs', () => {
  let receiver: Receiver;
  let app: TestStrapi;
  let jwt: string;

  beforeAll(async () => {
    receiver = await startReceiver({ respond: (r) => ({ status: r.url.startsWith('/broken') ? 400 : 200 }) });
    app = await bootStrapi({
      config: {
        targets: [
          { name: 'web', preset: 'webhook', url: `${receiver.url}/ok`, secret: TEST_SECRET },
          { name: 'broken', preset: 'nextjs', url: `${receiver.url}/broken`, secret: 'plain-secret' },
        ],
        rules: { [ARTICLE]: { paths: ['/blog/{slug}'] }, 'api::author.author': { paths: ['/authors/{slug}'] } },
        debounceMs: 50,
        maxWaitMs: 200,
      },
    });
    jwt = await app.adminToken();
    const documents = (uid: string) => app.strapi.documents(uid as any);
    // One after the other, so each change gets its own batch (and log row) per target.
    await documents(ARTICLE).create({ data: { title: 'Logged', slug: 'logged' }, status: 'published' } as any);
    await eventually(() => logRows(app.strapi).then((rows) => rows.length >= 2), 'two log rows');
    await documents('api::author.author').create({ data: { name: 'Ann', slug: 'ann' }, status: 'published' } as any);
    await eventually(() => logRows(app.strapi).then((rows) => rows.length >= 4), 'four log rows');
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  const get = (query: string) => app.http().get(`/revalidation/logs${query}`).set('authorization', `Bearer ${jwt}`);

  it('lists attempts, newest first, paginated', async () => {
    const res = await get('?pageSize=3');
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(3);
    expect(res.body.pagination).toEqual({ page: 1, pageSize: 3, total: 4, pageCount: 2 });
    const ids = res.body.results.map((r: any) => r.id);
    expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids);
    expect(res.body.results[0]).not.toHaveProperty('uids');
  });

  it.each([
    ['?status=failed', 2, (r: any) => r.status === 'failed' && r.target === 'broken' && r.httpStatus === 400],
    ['?status=success', 2, (r: any) => r.status === 'success' && r.target === 'web'],
    ['?target=web', 2, (r: any) => r.target === 'web'],
    [`?uid=${ARTICLE}`, 2, (r: any) => r.events[0].uid === ARTICLE],
    ['?uid=api::author.author&target=broken', 1, (r: any) => r.paths[0] === '/authors/ann'],
  ])('filters %s', async (query, count, check) => {
    const res = await get(query);
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(count);
    expect(res.body.results.every(check)).toBe(true);
  });

  it('filters by documentId', async () => {
    const [article] = await app.strapi.db.query(ARTICLE as any).findMany({ where: { slug: 'logged' }, limit: 1 });
    const res = await get(`?documentId=${article.documentId}`);
    expect(res.body.results).toHaveLength(2);
    expect(res.body.results.every((r: any) => r.events[0].documentId === article.documentId)).toBe(true);
  });

  it('gives up on a 4xx at once: one failed row, no retry', async () => {
    const failed = (await get('?target=broken')).body.results;
    expect(failed.map((r: any) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [1, 'failed'],
    ]);
    const brokenRequests = receiver.requests.filter((r) => r.url === '/broken');
    expect(brokenRequests).toHaveLength(2);
  });

  it.each([
    ['?status=nope', 'status'],
    ['?pageSize=1000', 'pageSize'],
    ['?page=0', 'page'],
    ['?sort=id', 'sort'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain(field);
  });

  it('prunes rows older than log.retentionDays (30 by default), keeping the rest', async () => {
    const logs = app.strapi.db.query('plugin::revalidation.log' as any);
    const old = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    await logs.create({ data: { target: 'web', batchId: 'msg_old', attempt: 1, status: 'success', createdAt: old } });
    const before = await logs.count({});
    const pruned = await app.strapi.plugin('revalidation').service('log').prune(30, new Date());
    expect(pruned).toBe(1);
    expect(await logs.count({})).toBe(before - 1);
    expect(await logs.count({ where: { batchId: 'msg_old' } })).toBe(0);
  });

  it('answers 401 without an admin token', async () => {
    const res = await app.http().get('/revalidation/logs');
    expect(res.status).toBe(401);
  });
});
