/**
 * Delivery against a loopback receiver that misbehaves: retries keep the batch id, every attempt
 * is a log row, the editor's write never waits for the frontend.
 */
import { startReceiver, type Receiver } from '../helpers/receiver';
import { logRows, outboxDrained, receivedPaths, TEST_SECRET, waitForLogRows } from '../helpers/revalidation';
import { bootStrapi, type TestStrapi } from '../helpers/strapi';

const ARTICLE = 'api::article.article';

describe('delivery when the frontend fails', () => {
  let receiver: Receiver;
  let app: TestStrapi;
  let script: Array<{ status: number; headers?: Record<string, string> }> = [];

  beforeAll(async () => {
    // Answers from the script, one per request, then 200.
    receiver = await startReceiver({ respond: () => script.shift() ?? { status: 200 } });
    app = await bootStrapi({
      config: {
        targets: [
          { name: 'web', preset: 'webhook', url: `${receiver.url}/hook`, secret: TEST_SECRET, timeoutMs: 500 },
          { name: 'down', preset: 'webhook', url: 'http://127.0.0.1:9/nothing-listens', secret: TEST_SECRET },
        ],
        rules: { [ARTICLE]: { paths: ['/blog/{slug}'], targets: ['web'] }, 'api::author.author': { paths: ['/authors/{slug}'], targets: ['down'] } },
        debounceMs: 50,
        maxWaitMs: 200,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  beforeEach(async () => {
    await outboxDrained(app.strapi, 30_000);
    receiver.requests.length = 0;
  });

  const publish = (slug: string) =>
    app.strapi.documents(ARTICLE as any).create({ data: { title: slug, slug }, status: 'published' } as any);

  it('503, 503, 200 → the same webhook-id three times and three log rows', async () => {
    script = [{ status: 503 }, { status: 503 }];
    await publish('flaky');
    // Retries come after about 1 s and 5 s.
    await receiver.waitFor((r) => r.length === 3, 15_000);
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    expect(receivedPaths(receiver.requests)).toEqual(['/blog/flaky', '/blog/flaky', '/blog/flaky']);
    const rows = await waitForLogRows(app.strapi, { batchId: ids[0] }, 3);
    expect(rows.map((r) => [r.attempt, r.status, r.httpStatus])).toEqual([
      [1, 'retrying', 503],
      [2, 'retrying', 503],
      [3, 'success', 200],
    ]);
    expect(rows[0].nextAttemptAt).not.toBeNull();
    expect(rows[2].nextAttemptAt).toBeNull();
  }, 30_000);

  it('429 with Retry-After → the next attempt waits at least that long', async () => {
    script = [{ status: 429, headers: { 'retry-after': '2' } }];
    await publish('rate-limited');
    await receiver.waitFor((r) => r.length === 2, 10_000);
    const [first, second] = receiver.requests;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    // The schedule says ~1 s; the receiver asked for 2 s.
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(2000);
    const rows = await waitForLogRows(app.strapi, { batchId: first.headers['webhook-id'] }, 2);
    expect(rows.map((r) => r.status)).toEqual(['retrying', 'success']);
  }, 20_000);

  it.each([
    [400, 'failed'],
    [302, 'failed'],
  ])('%i → one %s row, no retry, redirect not followed', async (status, rowStatus) => {
    script = [{ status, headers: { location: `${receiver.url}/elsewhere` } }];
    await publish(`gives-up-${status}`);
    await receiver.waitFor((r) => r.length === 1);
    const id = receiver.requests[0].headers['webhook-id'];
    const rows = await waitForLogRows(app.strapi, { batchId: id });
    expect(rows.map((r) => [r.attempt, r.status, r.httpStatus])).toEqual([[1, rowStatus, status]]);
    const batch = await app.strapi.db.query('plugin::revalidation.batch' as any).findOne({ where: { batchId: id } });
    expect(batch.state).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.requests.map((r) => r.url)).toEqual(['/hook']);
  });

  it('a timeout is retried with the same id', async () => {
    let slow = true;
    receiver.setResponder(async () => {
      if (slow) {
        slow = false;
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      return { status: 200 };
    });
    try {
      await publish('slow');
      await receiver.waitFor((r) => r.length === 2, 10_000);
      const id = receiver.requests[0].headers['webhook-id'];
      expect(receiver.requests[1].headers['webhook-id']).toBe(id);
      const rows = await waitForLogRows(app.strapi, { batchId: id }, 2);
      expect(rows[0]).toMatchObject({ status: 'retrying', httpStatus: null });
      expect(rows[0].error).toMatch(/timeout after 500 ms/);
      expect(rows[1].status).toBe('success');
    } finally {
      receiver.setResponder(() => script.shift() ?? { status: 200 });
    }
  }, 20_000);

  it('a target that refuses connections never fails the write, and is retried', async () => {
    const res = await app.strapi.documents('api::author.author' as any).create({ data: { name: 'Down', slug: 'down' }, status: 'published' } as any);
    expect(res.documentId).toBeDefined();
    const [row] = await waitForLogRows(app.strapi, { target: 'down' });
    expect(row).toMatchObject({ status: 'retrying', attempt: 1, httpStatus: null, paths: ['/authors/down'] });
    expect(row.error).toMatch(/ECONNREFUSED/);
    // Leave nothing scheduled for the next tests' drain check.
    await app.strapi.db.query('plugin::revalidation.batch' as any).deleteMany({ where: { target: 'down' } });
  });

  it('logs each attempt with its duration', async () => {
    const rows = await logRows(app.strapi, { status: 'success' });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(typeof row.durationMs).toBe('number');
  });
});
