/**
 * A lease is renewed while its request is in flight: with two instances on one database, a
 * request that takes longer than the lease (10 s) is not taken over and sent again by the other.
 */
import { startStrapiChild, type StrapiChild } from '../helpers/child';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { TEST_SECRET } from '../helpers/revalidation';
import { eventually, sleep } from '../helpers/wait';

/**
 * Longer than worker.ts LEASE_MS (10 s) plus two idle polls (5 s each): without renewal, both
 * instances would look at the batch after its lease ran out. Shorter than the target's timeout.
 */
const HOLD_MS = 21_000;

describe('a slow request under two instances', () => {
  let receiver: Receiver;
  let database: TestDatabase;
  const children: StrapiChild[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));

  beforeAll(async () => {
    receiver = await startReceiver({
      respond: async () => {
        await held;
        return { status: 200 };
      },
    });
    database = await createTestDatabase();
  });

  afterAll(async () => {
    release();
    await Promise.all(children.map((child) => child.kill()));
    await receiver.close();
    await database.drop();
  });

  it('keeps its lease past 10 s: the other instance never sends the batch again', async () => {
    const config = {
      targets: [{ name: 'web', preset: 'webhook', url: `${receiver.url}/hook`, secret: TEST_SECRET, timeoutMs: 40_000 }],
      rules: { 'api::article.article': { paths: ['/blog/{slug}'] } },
      debounceMs: 50,
      maxWaitMs: 200,
    };
    const a = startStrapiChild(database, { config });
    children.push(a);
    await a.ready;
    const b = startStrapiChild(database, { config });
    children.push(b);
    await b.ready;

    await a.publish('slow-frontend');
    await receiver.waitFor((r) => r.length === 1, 15_000);
    const sentAt = Date.now();
    // Both instances look at the outbox every few seconds meanwhile; the lease would have run
    // out after 10 s without renewal.
    await sleep(HOLD_MS);
    expect(receiver.requests).toHaveLength(1);
    release();

    await eventually(async () => (await a.outbox()).pending === 0, 'the batch to be delivered', 15_000);
    const counts = await a.outbox();
    expect(counts).toMatchObject({ changes: 0, pending: 0, logs: 1 });
    // Still one request, a few seconds after delivery.
    await sleep(3000);
    expect(receiver.requests).toHaveLength(1);
    process.stdout.write(`lease [${database.client}]: one request held ${((Date.now() - sentAt) / 1000).toFixed(0)} s, sent once, 1 log row\n`);
  }, 90_000);
});
