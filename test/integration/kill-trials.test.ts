/**
 * SIGKILL trials: one database, one Strapi child per trial, killed at a random moment after its
 * writes (debounce window, planning, request in flight, after delivery). Each boot is also the
 * restart that must deliver what earlier trials left behind. At-least-once: every committed
 * write's path arrives; duplicates are counted, not failed, but must carry the same webhook-id.
 */
import { startStrapiChild, type StrapiChild } from '../helpers/child';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { deliveryStats } from '../helpers/deliveries';
import { seededRandom, seedFrom } from '../helpers/random';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver';
import { outboxDrained, receivedPaths, TEST_SECRET } from '../helpers/revalidation';
import { bootStrapi } from '../helpers/strapi';
import { sleep } from '../helpers/wait';

const TRIALS = Number(process.env.KILL_TRIALS || 50);
const SEED = seedFrom('KILL_TRIALS_SEED');
const DEBOUNCE_MS = 200;
const MAX_WAIT_MS = 1000;
/** The receiver answers after 0–300 ms, so some kills land with a request in flight. */
const LATENCY_MAX_MS = 300;
/** A dead process's lease (worker.ts LEASE_MS, 10 s) must run out first; then planning, a margin. */
const FINAL_WAIT_MS = 10_000 + MAX_WAIT_MS + 10_000;

/**
 * When a trial's process is killed, counted from its first or its last acknowledged write: a
 * seeded mix aimed at each stage (planning starts about DEBOUNCE_MS after the last write and
 * takes tens of milliseconds, so it gets a narrow window of its own).
 */
function killPlan(random: () => number): { from: 'first' | 'last'; delay: number } {
  const stage = random();
  const u = random();
  if (stage < 0.15) return { from: 'first', delay: Math.floor(u * 150) }; // later writes in flight
  if (stage < 0.4) return { from: 'last', delay: Math.floor(u * DEBOUNCE_MS) }; // debounce window
  if (stage < 0.6) return { from: 'last', delay: DEBOUNCE_MS + Math.floor(u * 100) }; // planning, claim
  return { from: 'last', delay: DEBOUNCE_MS + 100 + Math.floor(u * (LATENCY_MAX_MS + 300)) }; // request, after
}

type Phase = 'in the debounce window' | 'after it, before a request' | 'with a request in flight' | 'after delivery';

describe('Strapi processes SIGKILLed at random moments, one database', () => {
  let receiver: Receiver;
  let database: TestDatabase;
  const children: StrapiChild[] = [];

  const config = () => ({
    targets: [{ name: 'web', preset: 'webhook', url: `${receiver.url}/hook`, secret: TEST_SECRET, batchSize: 5 }],
    rules: { 'api::article.article': { paths: ['/blog/{slug}'] } },
    debounceMs: DEBOUNCE_MS,
    maxWaitMs: MAX_WAIT_MS,
  });

  beforeAll(async () => {
    receiver = await startReceiver();
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await receiver?.close();
    await database?.drop();
  });

  it(`delivers every committed write after ${TRIALS} kills`, async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    // Its own stream: latencies depend on request timing, the trial plan must not.
    const latency = seededRandom(SEED ^ 0x5bd1e995);
    const repliedAt = new WeakMap<ReceivedRequest, number>();
    receiver.setResponder(async (request) => {
      await sleep(Math.floor(latency() * LATENCY_MAX_MS));
      repliedAt.set(request, Date.now());
      return { status: 200 };
    });

    const acknowledged: string[] = [];
    const phases: Record<Phase, number> = {
      'in the debounce window': 0,
      'after it, before a request': 0,
      'with a request in flight': 0,
      'after delivery': 0,
    };
    const bootTimes: number[] = [];

    /** Where the kill at `at` landed, judged from the last acknowledged write and what the
     * receiver had seen by then (requests of earlier trials' leftovers included). */
    const phaseAt = (at: number, lastWriteAt: number, slugs: string[]): Phase => {
      const seen = receiver.requests.filter((r) => r.receivedAt <= at);
      if (seen.some((r) => !(repliedAt.get(r)! <= at))) return 'with a request in flight';
      const paths = new Set(receivedPaths(seen));
      if (slugs.every((slug) => paths.has(`/blog/${slug}`))) return 'after delivery';
      return at - lastWriteAt < DEBOUNCE_MS ? 'in the debounce window' : 'after it, before a request';
    };

    // The next trials' processes load their modules while this one runs (two cores: two ahead);
    // their Strapi boot (database, worker) still starts only after the previous kill.
    const prepare = () => {
      const child = startStrapiChild(database, { config: config(), deferBoot: true });
      children.push(child);
      return child;
    };
    const prepared = [prepare(), prepare()];
    for (let trial = 0; trial < TRIALS; trial++) {
      const child = prepared.shift()!;
      child.boot();
      bootTimes.push((await child.ready).bootMs);
      if (trial + prepared.length + 1 < TRIALS) prepared.push(prepare());
      const slugs = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => `t${trial}-${i}`);
      const plan = killPlan(random);

      // Writes go one after another. A kill timed from the first acknowledgement may land while a
      // later write is in flight: that write is not counted (but must arrive if it committed).
      let killing = false;
      let killed: Promise<number> | undefined;
      const killAfter = (delay: number) =>
        sleep(delay).then(async () => {
          killing = true;
          const at = Date.now();
          await child.kill();
          return at;
        });
      let lastWriteAt = 0;
      for (const slug of slugs) {
        try {
          await child.publish(slug);
        } catch (error) {
          if (killing) break;
          throw error;
        }
        lastWriteAt = Date.now();
        acknowledged.push(slug);
        if (plan.from === 'first') killed ??= killAfter(plan.delay);
      }
      killed ??= killAfter(plan.delay);
      phases[phaseAt(await killed, lastWriteAt, slugs)]++;
    }

    // The last restart: in this process, so the outbox and the articles can be read directly.
    const finalBootAt = Date.now();
    const app = await bootStrapi({ database, config: config() });
    try {
      const rows: Array<{ slug: string }> = await app.strapi.db
        .query('api::article.article')
        .findMany({ where: { publishedAt: { $notNull: true } }, select: ['slug'] });
      const published = new Set(rows.map((row) => row.slug));
      // A write killed before its acknowledgement may have committed anyway: it must arrive too.
      const committed = [...new Set([...acknowledged, ...published])];
      const expected = committed.map((slug) => `/blog/${slug}`);
      await receiver
        .waitFor((requests) => {
          const got = new Set(receivedPaths(requests));
          return expected.every((path) => got.has(path));
        }, FINAL_WAIT_MS)
        .catch(() => undefined);
      const drained = await outboxDrained(app.strapi, 15_000).then(
        () => true,
        () => false
      );

      const stats = deliveryStats(receiver.requests);
      const lost = expected.filter((path) => !stats.receipts.has(path));
      // Paths no trial's process got out: left to the last restart (a lease still running, say).
      const leftToLast = expected.filter((path) => (stats.firstArrival.get(path) ?? Infinity) >= finalBootAt).length;
      const seconds = Math.round((Date.now() - started) / 1000);
      const client = database.client;
      const avgBoot = (bootTimes.reduce((a, b) => a + b, 0) / bootTimes.length / 1000).toFixed(1);
      process.stdout.write(
        `kill-trials [${client}]: ${TRIALS} trials, ${acknowledged.length} committed writes, ${lost.length} lost, ` +
          `${stats.duplicateRequests} duplicate deliveries (${stats.sameIdRedeliveries} with the same webhook-id), ${seconds} s\n` +
          `kill-trials [${client}]: seed ${SEED} (KILL_TRIALS_SEED=${SEED} replays the plan); kills ` +
          Object.entries(phases).map(([phase, n]) => `${n} ${phase}`).join(', ') +
          `; ${committed.length - acknowledged.length} unacknowledged writes committed; ${leftToLast} paths first delivered by the last restart; ` +
          `${stats.requests} requests, ${stats.batches} batches, ${stats.duplicatePaths} path arrivals beyond the first; ` +
          `child boot ${avgBoot} s on average\n`
      );
      if (lost.length || !drained) {
        // What the outbox still holds tells a lost write from a slow one.
        const batches = await app.strapi.db.query('plugin::revalidation.batch' as any).findMany({});
        const changes = await app.strapi.db.query('plugin::revalidation.change' as any).count({});
        process.stdout.write(`kill-trials: lost ${JSON.stringify(lost)}; ${changes} change rows; batches ${JSON.stringify(batches)}\n`);
      }

      expect({ lost, drained }).toEqual({ lost: [], drained: true });
      // Every acknowledged write is in the database (the kill came after its commit).
      expect(acknowledged.filter((slug) => !published.has(slug))).toEqual([]);
      // A redelivery reuses its batch's webhook-id, so a receiver can recognise it.
      expect(stats.freshIdDuplicates).toEqual([]);
    } finally {
      await app.stop({ keepDatabase: true });
    }
  }, 480_000);
});
