/**
 * The fault table: one published article goes to ten targets on one loopback receiver, each
 * misbehaving in its own way; each ends with the attempts, log rows and batch state the README
 * documents. Then the dead and failed batches are replayed, a 410-disabled target re-enabled, and
 * a batch past its maximum age dies.
 */
import type { ReceivedRequest } from '../helpers/receiver';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { logRows, TEST_SECRET, waitForLogRows } from '../helpers/revalidation';
import { bootStrapi, type TestStrapi } from '../helpers/strapi';
import { eventually } from '../helpers/wait';

const ARTICLE = 'api::article.article';
const BATCH = 'plugin::revalidation.batch';

/** Per fault: what the receiver does on the n-th request (0-based) to that target. */
const BEHAVIOUR: Record<string, (n: number) => { status: number; headers?: Record<string, string>; hangup?: boolean; delayMs?: number }> = {
  timeout: () => ({ status: 200, delayMs: 3000 }), // target timeoutMs 500
  'http-500': () => ({ status: 500 }),
  'http-503-retry-after': (n) => (n === 0 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 }),
  'http-429': (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }),
  'http-410': () => ({ status: 410 }),
  'http-400': () => ({ status: 400 }),
  slow: () => ({ status: 200, delayMs: 1500 }), // target timeoutMs 5000
  'socket-closed': (n) => (n === 0 ? { status: 200, hangup: true } : { status: 200 }),
};

/** fault → [attempt, status, httpStatus] of its log rows, and the batch's final state. */
const EXPECTED: Record<string, { rows: Array<[number, string, number | null]>; state: string | 'delivered' }> = {
  timeout: { rows: [[1, 'retrying', null], [2, 'retrying', null], [3, 'dead', null]], state: 'dead' },
  refused: { rows: [[1, 'retrying', null], [2, 'retrying', null], [3, 'dead', null]], state: 'dead' },
  'http-500': { rows: [[1, 'retrying', 500], [2, 'retrying', 500], [3, 'dead', 500]], state: 'dead' },
  'http-503-retry-after': { rows: [[1, 'retrying', 503], [2, 'success', 200]], state: 'delivered' },
  'http-429': { rows: [[1, 'retrying', 429], [2, 'success', 200]], state: 'delivered' },
  'http-410': { rows: [[1, 'disabled', 410]], state: 'pending' },
  'http-400': { rows: [[1, 'failed', 400]], state: 'failed' },
  slow: { rows: [[1, 'success', 200]], state: 'delivered' },
  'socket-closed': { rows: [[1, 'retrying', null], [2, 'success', 200]], state: 'delivered' },
  ok: { rows: [[1, 'success', 200]], state: 'delivered' },
};
const FAULTS = Object.keys(EXPECTED);

// Unref'd: a receiver still "thinking" when the suite ends must not keep jest alive.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

describe('the fault table', () => {
  let receiver: Receiver;
  let app: TestStrapi;
  /** Faults whose receiver now answers 200 (flipped before a replay). */
  const healed = new Set<string>();
  const byTarget = (name: string) => receiver.requests.filter((r) => r.url === `/${name}`);
  let admin: Record<string, string>;
  let startedAt: Date;
  /** Every SQL statement Strapi's connection ran during the fault run. */
  const sql: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver({
      respond: async (request: ReceivedRequest) => {
        const name = request.url.slice(1);
        const n = byTarget(name).indexOf(request);
        const behaviour = healed.has(name) ? { status: 200 } : (BEHAVIOUR[name]?.(n) ?? { status: 200 });
        if ('delayMs' in behaviour && behaviour.delayMs) await sleep(behaviour.delayMs);
        return behaviour;
      },
    });
    app = await bootStrapi({
      config: {
        targets: FAULTS.map((name) => ({
          name,
          preset: 'webhook',
          url: name === 'refused' ? 'http://127.0.0.1:9/nothing-listens' : `${receiver.url}/${name}`,
          secret: TEST_SECRET,
          timeoutMs: name === 'timeout' ? 500 : 5000,
        })),
        rules: { [ARTICLE]: { paths: ['/blog/{slug}'] } },
        debounceMs: 50,
        maxWaitMs: 200,
        // Three attempts: about 0 s, 1 s, 6 s. The circuit stays out of the way here.
        retry: { attempts: 3 },
        circuit: { failures: 10 },
      },
    });
    admin = { Authorization: `Bearer ${await app.adminToken()}` };
    app.strapi.db.connection.on('query', (q: { sql: string }) => sql.push(q.sql));
    startedAt = new Date();
    await app.strapi.documents(ARTICLE as any).create({ data: { title: 'Faults', slug: 'faults' }, status: 'published' } as any);
    // Every fault reaches its final row: dead after three attempts, or its last expected row.
    await eventually(
      async () => {
        for (const fault of FAULTS) {
          const rows = await logRows(app.strapi, { target: fault });
          if (rows.length < EXPECTED[fault].rows.length) return false;
        }
        return true;
      },
      'every fault to reach its expected log rows',
      30_000
    );
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  const batchOf = async (target: string) => app.strapi.db.query(BATCH as any).findOne({ where: { target } });

  it.each(FAULTS)('%s → expected attempts, log rows and final state', async (fault) => {
    const rows = await logRows(app.strapi, { target: fault });
    expect(rows.map((r) => [r.attempt, r.status, r.httpStatus])).toEqual(EXPECTED[fault].rows);
    // One batch id across all attempts; each attempt that reached the receiver is a request.
    expect(new Set(rows.map((r) => r.batchId)).size).toBe(1);
    if (fault !== 'refused') {
      expect(byTarget(fault).map((r) => r.headers['webhook-id'])).toEqual(rows.map((r) => r.batchId));
    }
    const batch = await batchOf(fault);
    if (EXPECTED[fault].state === 'delivered') expect(batch).toBeNull();
    else expect(batch?.state).toBe(EXPECTED[fault].state);
  });

  it('claims batches with FOR UPDATE SKIP LOCKED on PostgreSQL, by compare-and-set elsewhere', () => {
    const skipLocked = sql.filter((q) => /for update skip locked/i.test(q));
    if (app.strapi.db.dialect.client === 'postgres') expect(skipLocked.length).toBeGreaterThan(0);
    else expect(skipLocked).toEqual([]);
    expect(sql.filter((q) => /revalidation_batches/.test(q) && /^update/i.test(q)).length).toBeGreaterThan(0);
  });

  it('says why in each row: timeout, refused, socket closed, Retry-After honoured, slow but in time', async () => {
    const last = async (fault: string, i = -1) => (await logRows(app.strapi, { target: fault })).at(i);
    expect((await last('timeout'))!.error).toMatch(/timeout after 500 ms.*dead: no attempt left \(retry\.attempts 3\)/);
    expect((await last('refused'))!.error).toMatch(/ECONNREFUSED/);
    expect((await last('http-500'))!.error).toMatch(/^HTTP 500/);
    expect((await last('socket-closed', 0))!.error).toMatch(/aborted|socket hang up|ECONNRESET/i);
    // The retry after a 503 waited at least the 2 s the receiver asked for.
    const first503 = (await last('http-503-retry-after', 0))!;
    const [a, b] = byTarget('http-503-retry-after');
    expect(new Date(first503.nextAttemptAt).getTime() - a.receivedAt).toBeGreaterThanOrEqual(2000);
    expect(b.receivedAt - a.receivedAt).toBeGreaterThanOrEqual(2000);
    // The slow receiver took longer than a second and still counted as delivered.
    expect((await last('slow'))!.durationMs).toBeGreaterThanOrEqual(1400);
    expect((await last('http-410'))!.error).toMatch(/target "http-410" disabled \(410 Gone\).*\/revalidation\/targets\/http-410\/enable/);
  });

  it('lists the 410 target as disabled; its batch waits, and is delivered once re-enabled', async () => {
    const list = await app.http().get('/revalidation/targets').set(admin);
    expect(list.status).toBe(200);
    const gone = list.body.data.find((t: any) => t.name === 'http-410');
    expect(gone.disabledByReceiver).toMatchObject({ error: expect.stringMatching(/^HTTP 410/) });
    expect(list.body.data.find((t: any) => t.name === 'ok').disabledByReceiver).toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(TEST_SECRET);
    // Nothing more went to it while disabled.
    expect(byTarget('http-410')).toHaveLength(1);

    healed.add('http-410');
    const enabled = await app.http().post('/revalidation/targets/http-410/enable').set(admin).send({});
    expect(enabled.status).toBe(200);
    expect(enabled.body.data).toMatchObject({ name: 'http-410', wasDisabled: true, disabledByReceiver: null });
    const rows = await waitForLogRows(app.strapi, { target: 'http-410' }, 2);
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'disabled'],
      [2, 'success'],
    ]);
    expect(await batchOf('http-410')).toBeNull();
    expect((await app.http().post('/revalidation/targets/nope/enable').set(admin).send({})).status).toBe(404);
  });

  it('replays one dead batch by id → delivered, with a new log row (replay 1, attempt 1)', async () => {
    const dead = await batchOf('timeout');
    healed.add('timeout');
    const res = await app.http().post(`/revalidation/batches/${dead.batchId}/replay`).set(admin).send({});
    expect(res.status).toBe(200);
    expect(res.body.data.replayed).toEqual([dead.batchId]);
    const rows = await waitForLogRows(app.strapi, { target: 'timeout' }, 4);
    expect(rows.at(-1)).toMatchObject({ batchId: dead.batchId, attempt: 1, replay: 1, status: 'success' });
    expect(byTarget('timeout').at(-1)!.headers['webhook-id']).toBe(dead.batchId);
    expect(await batchOf('timeout')).toBeNull();
  });

  it('replays "all failed since T" for one target, and leaves batches closed before T alone', async () => {
    const failed = await batchOf('http-400');
    const dead500 = await batchOf('http-500');
    const later = await app
      .http()
      .post('/revalidation/batches/replay')
      .set(admin)
      .send({ since: new Date(Date.now() + 60_000).toISOString() });
    expect(later.body.data.replayed).toEqual([]);

    healed.add('http-400');
    const res = await app.http().post('/revalidation/batches/replay').set(admin).send({ since: startedAt.toISOString(), target: 'http-400' });
    expect(res.status).toBe(200);
    expect(res.body.data.replayed).toEqual([failed.batchId]);
    const rows = await waitForLogRows(app.strapi, { target: 'http-400' }, 2);
    expect(rows.at(-1)).toMatchObject({ attempt: 1, replay: 1, status: 'success', httpStatus: 200 });
    // Another target's dead batch was not part of it.
    expect((await batchOf('http-500')).state).toBe('dead');
    expect((await batchOf('http-500')).batchId).toBe(dead500.batchId);
  });

  it('lists batches by state, and refuses bad replay requests naming the field', async () => {
    const dead = await app.http().get('/revalidation/batches?state=dead').set(admin);
    expect(dead.status).toBe(200);
    expect(dead.body.results.map((b: any) => b.target).sort()).toEqual(['http-500', 'refused']);
    expect(dead.body.results[0]).toMatchObject({ attempts: 3, paths: ['/blog/faults'], lastError: expect.any(String) });

    const missing = await app.http().post('/revalidation/batches/replay').set(admin).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe('since');
    const bad = await app.http().post('/revalidation/batches/replay').set(admin).send({ since: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/since must be a date/);
    const extra = await app.http().post('/revalidation/batches/replay').set(admin).send({ since: startedAt.toISOString(), all: true });
    expect(extra.status).toBe(400);
    expect((await app.http().post('/revalidation/batches/msg_nope/replay').set(admin).send({})).status).toBe(404);
    expect((await app.http().get('/revalidation/batches?state=gone').set(admin)).status).toBe(400);
    // Without a JWT, nothing.
    expect((await app.http().post('/revalidation/batches/replay').send({ since: startedAt.toISOString() })).status).toBe(401);
  });

  it('an editor without the plugin’s permissions can neither read batches nor replay them', async () => {
    const editorRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
    const auth = { Authorization: `Bearer ${await app.adminTokenForRole(editorRole.id, 'editor')}` };
    expect((await app.http().get('/revalidation/batches').set(auth)).status).toBe(403);
    expect((await app.http().get('/revalidation/targets').set(auth)).status).toBe(403);
    expect((await app.http().post('/revalidation/batches/replay').set(auth).send({ since: startedAt.toISOString() })).status).toBe(403);
    expect((await app.http().post('/revalidation/targets/ok/enable').set(auth).send({})).status).toBe(403);
  });

  it('a batch past retry.maxAgeHours dies at its next failure instead of being rescheduled', async () => {
    // An old batch: the 500's dead batch put back as if it had been queued 72 h ago, less 0.5 s.
    const dead = await batchOf('http-500');
    await app.strapi.db.query(BATCH as any).update({
      where: { batchId: dead.batchId },
      data: { state: 'pending', attempts: 0, replays: 1, nextAttemptAt: new Date(), enqueuedAt: new Date(Date.now() - 72 * 3600_000 + 500) },
    });
    app.strapi.plugin('revalidation').service('worker').notifyDue();
    const rows = await waitForLogRows(app.strapi, { target: 'http-500', replay: 1 }, 1);
    expect(rows[0]).toMatchObject({ attempt: 1, status: 'dead', httpStatus: 500 });
    expect(rows[0].error).toMatch(/dead: the next attempt would fall past retry\.maxAgeHours \(72 h\)/);
    expect((await batchOf('http-500')).state).toBe('dead');
  });
});
