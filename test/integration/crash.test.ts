/**
 * Crash safety: a Strapi process SIGKILLed after a write returned loses nothing; the next boot
 * delivers it, with the same batch id if the batch already existed.
 */
import { startStrapiChild } from '../helpers/child';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { receivedPaths, TEST_SECRET } from '../helpers/revalidation';
import { bootStrapi } from '../helpers/strapi';

const DEBOUNCE = 500;

describe('a Strapi process killed after a write', () => {
  let receiver: Receiver;
  let database: TestDatabase;

  const config = (extra: Record<string, unknown> = {}) => ({
    targets: [{ name: 'web', preset: 'webhook', url: `${receiver.url}/hook`, secret: TEST_SECRET }],
    rules: { 'api::article.article': { paths: ['/blog/{slug}'] } },
    ...extra,
  });

  beforeEach(async () => {
    receiver = await startReceiver();
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await receiver.close();
    await database.drop();
  });

  it('before planning → restarted with load() alone, delivered within debounce + 2 s', async () => {
    // The child would wait a minute before planning: it is killed long before that.
    const child = startStrapiChild(database, { config: config({ debounceMs: 60_000, maxWaitMs: 60_000 }) });
    await child.ready;
    await child.publish('after-crash');
    await child.kill();
    expect(receiver.requests).toEqual([]);

    const app = await bootStrapi({ database, config: config({ debounceMs: DEBOUNCE }) });
    try {
      await receiver.waitFor((r) => receivedPaths(r).includes('/blog/after-crash'), DEBOUNCE + 2000);
      expect(receivedPaths(receiver.requests)).toEqual(['/blog/after-crash']);
    } finally {
      await app.stop({ keepDatabase: true });
    }
  }, 60_000);

  it('mid-request → the next boot sends the same batch id once the lease ran out', async () => {
    // The receiver holds the first request open: the child is killed with it in flight.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    receiver.setResponder(async (request) => {
      if (receiver.requests.indexOf(request) === 0) await held;
      return { status: 200 };
    });
    const child = startStrapiChild(database, { config: config({ debounceMs: 50, maxWaitMs: 100 }) });
    await child.ready;
    await child.publish('in-flight');
    await receiver.waitFor((r) => r.length === 1, 10_000);
    await child.kill();
    release();
    const firstId = receiver.requests[0].headers['webhook-id'];

    const app = await bootStrapi({ database, config: config() });
    try {
      // The dead process's lease (10 s) must run out first.
      await receiver.waitFor((r) => r.length === 2, 20_000);
      expect(receiver.requests[1].headers['webhook-id']).toBe(firstId);
      expect(receivedPaths(receiver.requests)).toEqual(['/blog/in-flight', '/blog/in-flight']);
    } finally {
      await app.stop({ keepDatabase: true });
    }
  }, 60_000);
});
