/**
 * Two Strapi processes on one database share one outbox: 1,000 changes written through both are
 * all delivered, and no batch twice while both live (claims are compare-and-set, leases never run
 * out). With one SIGKILLed mid-run, the survivor finishes the work once the dead lease expires.
 */
import { startStrapiChild, type StrapiChild } from '../helpers/child';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { deliveryStats } from '../helpers/deliveries';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { receivedPaths, TEST_SECRET } from '../helpers/revalidation';
import { eventually, sleep } from '../helpers/wait';

const WRITES = 1000;
/** Writes each process has in flight at once. */
const CONCURRENCY = 4;
/** Small batches: a path and a tag per article (the default tags) make ~400 to contend for. */
const BATCH_SIZE = 5;
/** worker.ts LEASE_MS: how long a dead process's claim blocks its batch. */
const LEASE_MS = 10_000;

interface Written {
  acknowledged: string[];
  failed: Array<{ slug: string; error: string }>;
}

/** Publishes `slugs` through `child`, `CONCURRENCY` at a time; stops early once `stop()` says so. */
async function writeAll(child: StrapiChild, slugs: string[], stop = () => false): Promise<Written> {
  const queue = [...slugs];
  const written: Written = { acknowledged: [], failed: [] };
  const lane = async () => {
    for (let slug = queue.shift(); slug !== undefined && !stop(); slug = queue.shift()) {
      try {
        await child.publish(slug);
        written.acknowledged.push(slug);
      } catch (error) {
        written.failed.push({ slug, error: (error as Error).message.slice(0, 300) });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return written;
}

/** Error lines the children logged (Strapi logs at level error in tests). */
const errorLines = (...children: StrapiChild[]) =>
  children.flatMap((child) => child.output().split('\n').filter((line) => /\berror: /.test(line)));

describe('two Strapi processes on one database', () => {
  let receiver: Receiver;
  let database: TestDatabase;
  let children: StrapiChild[] = [];

  const config = () => ({
    targets: [{ name: 'web', preset: 'webhook', url: `${receiver.url}/hook`, secret: TEST_SECRET, batchSize: BATCH_SIZE }],
    rules: { 'api::article.article': { paths: ['/blog/{slug}'] } },
    debounceMs: 200,
    maxWaitMs: 1000,
  });

  /** Two processes with the same config; the first creates the schema, then the second joins. */
  const startTwo = async () => {
    const a = startStrapiChild(database, { config: config() });
    children.push(a);
    await a.ready;
    const b = startStrapiChild(database, { config: config() });
    children.push(b);
    await b.ready;
    return [a, b] as const;
  };

  const slugs = (prefix: string) => Array.from({ length: WRITES / 2 }, (_, i) => `${prefix}-${i}`);
  const label = () => `instances [${database.client}]`;

  /** Until the outbox holds no change and no pending batch: nothing more can be sent. */
  const drained = (child: StrapiChild) =>
    eventually(async () => {
      const counts = await child.outbox();
      return counts.changes === 0 && counts.pending === 0;
    }, 'the outbox to drain', 30_000, 200).then(
      () => true,
      () => false
    );

  beforeEach(async () => {
    receiver = await startReceiver();
    // 10–50 ms per request, so the two processes' requests overlap.
    receiver.setResponder(async () => {
      await sleep(10 + Math.floor(Math.random() * 40));
      return { status: 200 };
    });
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    children = [];
    await receiver.close();
    await database.drop();
  });

  it(`delivers ${WRITES} changes written through both, no batch twice`, async () => {
    const [a, b] = await startTwo();
    const started = Date.now();
    const [wa, wb] = await Promise.all([writeAll(a, slugs('a')), writeAll(b, slugs('b'))]);
    const wroteIn = Date.now() - started;
    const expected = [...wa.acknowledged, ...wb.acknowledged].map((slug) => `/blog/${slug}`);
    await receiver
      .waitFor((requests) => {
        const got = new Set(receivedPaths(requests));
        return expected.every((path) => got.has(path));
      }, 60_000)
      .catch(() => undefined);
    const deliveredIn = Date.now() - started;
    const isDrained = await drained(a);

    const stats = deliveryStats(receiver.requests);
    const lost = expected.filter((path) => !stats.receipts.has(path));
    const errors = errorLines(a, b);
    process.stdout.write(
      `${label()} both alive: ${wa.acknowledged.length + wb.acknowledged.length} writes in ${(wroteIn / 1000).toFixed(1)} s, ` +
        `${stats.batches} batches, ${stats.requests} requests, ${stats.repeatedIds.size} webhook-ids sent twice, ` +
        `${stats.duplicatePaths} duplicate paths, ${lost.length} lost, all delivered after ${(deliveredIn / 1000).toFixed(1)} s; ` +
        `${errors.length} error lines logged\n`
    );
    if (errors.length) process.stdout.write(`${label()} errors logged:\n${errors.slice(0, 20).join('\n')}\n`);

    expect({ failed: [...wa.failed, ...wb.failed].slice(0, 5), lost, drained: isDrained }).toEqual({ failed: [], lost: [], drained: true });
    // Nothing crashed, so no lease ran out: a second send of any batch is a bug.
    expect([...stats.repeatedIds.keys()]).toEqual([]);
    expect(stats.duplicatePaths).toBe(0);
    // Two instances planning at once is normal operation, not an error (one rolls back quietly).
    expect(errors.slice(0, 5)).toEqual([]);
  }, 300_000);

  it('one SIGKILLed mid-run: the other finishes, repeats only what was sent before the kill', async () => {
    const [a, b] = await startTwo();
    const started = Date.now();
    let killedAt: number | undefined;
    // Kill b once deliveries are under way (a tenth of the ~400 batches), writes still running.
    const killing = receiver.waitFor((requests) => requests.length >= 40, 120_000).then(async () => {
      await b.kill();
      // Requests b wrote before it died are in by the time its exit is seen.
      killedAt = Date.now();
    });
    const [wa, wb] = await Promise.all([writeAll(a, slugs('a')), writeAll(b, slugs('b'), () => killedAt !== undefined)]);
    await killing;
    const wroteIn = Date.now() - started;

    // b may have committed a write it could not acknowledge: that one must arrive too.
    const published = await a.published();
    const acknowledged = [...wa.acknowledged, ...wb.acknowledged];
    const expected = [...new Set([...acknowledged, ...published])].map((slug) => `/blog/${slug}`);
    await receiver
      .waitFor((requests) => {
        const got = new Set(receivedPaths(requests));
        return expected.every((path) => got.has(path));
      }, LEASE_MS + 30_000)
      .catch(() => undefined);
    const deliveredIn = Date.now() - killedAt!;
    const isDrained = await drained(a);

    const stats = deliveryStats(receiver.requests);
    const lost = expected.filter((path) => !stats.receipts.has(path));
    const repeatedAfterKill = [...stats.repeatedIds].filter(([, times]) => times[0] > killedAt!).map(([id]) => id);
    process.stdout.write(
      `${label()} one killed: ${acknowledged.length} acknowledged writes (${wa.acknowledged.length} + ${wb.acknowledged.length}) ` +
        `in ${(wroteIn / 1000).toFixed(1)} s, b killed ${((killedAt! - started) / 1000).toFixed(1)} s in; ` +
        `${stats.batches} batches, ${stats.requests} requests, ${stats.repeatedIds.size} webhook-ids sent twice ` +
        `(${repeatedAfterKill.length} first sent after the kill), ${stats.duplicatePaths} duplicate paths, ${lost.length} lost, ` +
        `all delivered ${(deliveredIn / 1000).toFixed(1)} s after the kill\n`
    );
    const unexpected = errorLines(a);
    if (unexpected.length) process.stdout.write(`${label()} errors logged by the survivor:\n${unexpected.slice(0, 20).join('\n')}\n`);

    expect({ failedOnSurvivor: wa.failed.slice(0, 5), lost, drained: isDrained }).toEqual({ failedOnSurvivor: [], lost: [], drained: true });
    // A batch goes out twice only when its sender died holding the lease.
    expect(repeatedAfterKill).toEqual([]);
    expect(stats.freshIdDuplicates).toEqual([]);
  }, 300_000);
});
