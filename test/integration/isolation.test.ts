/**
 * A failing target never delays the others: each target has its own in-flight slots and its own
 * circuit breaker. One target hangs, one refuses connections, one works; eight batches each.
 */
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver';
import { logRows, receivedPaths, TEST_SECRET } from '../helpers/revalidation';
import { bootStrapi, type TestStrapi } from '../helpers/strapi';
import { eventually } from '../helpers/wait';

const ARTICLE = 'api::article.article';
const BATCH = 'plugin::revalidation.batch';
const COUNT = 8;
const COOLDOWN = 8000;

describe('one target failing, others unaffected', () => {
  let receiver: Receiver;
  let app: TestStrapi;
  let admin: Record<string, string>;
  let releaseHang!: () => void;
  const hang = new Promise<void>((resolve) => (releaseHang = resolve));

  beforeAll(async () => {
    receiver = await startReceiver({
      respond: async (request) => {
        // Held open until the test lets go (beyond its 3 s timeout): slots stay busy meanwhile.
        if (request.url === '/hang') await hang;
        return { status: 200 };
      },
    });
    app = await bootStrapi({
      config: {
        targets: [
          { name: 'hang', preset: 'webhook', url: `${receiver.url}/hang`, secret: TEST_SECRET, batchSize: 1, timeoutMs: 20_000 },
          { name: 'down', preset: 'webhook', url: 'http://127.0.0.1:9/nothing-listens', secret: TEST_SECRET, batchSize: 1 },
          { name: 'ok', preset: 'webhook', url: `${receiver.url}/ok`, secret: TEST_SECRET, batchSize: 1 },
        ],
        // Paths only, one per batch: eight batches per target.
        rules: { [ARTICLE]: { paths: ['/blog/{slug}'], tags: [] } },
        debounceMs: 50,
        maxWaitMs: 2000,
        circuit: { failures: 2, cooldownMs: COOLDOWN },
      },
    });
    admin = { Authorization: `Bearer ${await app.adminToken()}` };
  }, 60_000);

  afterAll(async () => {
    releaseHang();
    await app?.stop();
    await receiver?.close();
  });

  it('the working target gets everything while the others hang or fail; the failing one’s circuit opens, then probes', async () => {
    // One transaction: eight changes, one planning pass, eight batches per target.
    await app.strapi.db.transaction(async () => {
      for (let i = 0; i < COUNT; i++) {
        await app.strapi.documents(ARTICLE as any).create({ data: { title: `I${i}`, slug: `iso-${i}` }, status: 'published' } as any);
      }
    });
    const ok = await receiver.waitFor((r) => r.filter((x) => x.url === '/ok').length === COUNT, 20_000);
    expect(receivedPaths(ok.filter((x: ReceivedRequest) => x.url === '/ok')).sort()).toEqual(
      Array.from({ length: COUNT }, (_, i) => `/blog/iso-${i}`).sort()
    );
    // The hanging target holds its own four slots, no more, and has not finished one attempt:
    // "ok" did not wait for it.
    expect(receiver.requests.filter((x) => x.url === '/hang').length).toBeLessThanOrEqual(4);
    expect(await logRows(app.strapi, { target: 'hang' })).toEqual([]);

    // The refusing target: its circuit opened after two failures; what was in flight then (at
    // most four) failed too, and nothing else was tried; its other batches kept every attempt.
    const opened = await eventually(async () => {
      const res = await app.http().get('/revalidation/targets').set(admin);
      const down = res.body.data.find((t: any) => t.name === 'down');
      return down.circuit.state === 'open' ? down : undefined;
    }, 'the circuit of "down" to open');
    expect(opened.circuit.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(opened.circuit.probeAt).toEqual(expect.any(String));
    const failedEarly = (await logRows(app.strapi, { target: 'down' })).length;
    expect(failedEarly).toBeGreaterThanOrEqual(2);
    expect(failedEarly).toBeLessThanOrEqual(4);
    const untouched = await app.strapi.db.query(BATCH as any).count({ where: { target: 'down', attempts: 0 } });
    expect(untouched).toBe(COUNT - failedEarly);
    const states = (await app.http().get('/revalidation/targets').set(admin)).body.data;
    expect(states.find((t: any) => t.name === 'ok').circuit.state).toBe('closed');

    // After the cooldown one probe goes; it fails, and the circuit opens again.
    const rows = await eventually(async () => {
      const all = await logRows(app.strapi, { target: 'down' });
      return all.length > failedEarly ? all : undefined;
    }, 'a probe to "down"', COOLDOWN + 10_000);
    expect(rows).toHaveLength(failedEarly + 1);
    const after = (await app.http().get('/revalidation/targets').set(admin)).body.data.find((t: any) => t.name === 'down');
    expect(after.circuit.state).toBe('open');
  }, 60_000);
});
