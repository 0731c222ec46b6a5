/**
 * The worker's timing on fake timers, with the outbox, delivery and log replaced by in-memory
 * stand-ins (their real behaviour is proven against a real Strapi in test/integration).
 */
import { createTargetsService } from '../../../server/src/services/targets';
import { createWorkerService } from '../../../server/src/services/worker';
import type { AttemptResult } from '../../../server/src/services/delivery';
import type { StoredBatch } from '../../../server/src/services/outbox';

const NOW = new Date('2026-11-22T10:00:00Z').getTime();

interface Setup {
  attempts?: number;
  result: AttemptResult;
  debounceMs?: number;
  enqueuedAt?: number;
  /** How many batches are due (each claimed once). */
  batches?: number;
}

function setup(options: Setup) {
  const batch = (i: number): StoredBatch => ({
    id: i,
    batchId: `msg_${i}`,
    target: 'web',
    state: 'pending',
    attempts: options.attempts ?? 0,
    nextAttemptAt: new Date(NOW),
    enqueuedAt: new Date(options.enqueuedAt ?? NOW),
    replays: 0,
    content: { target: 'web', paths: ['/a'], tags: [], layouts: [], events: [], reasons: {}, skipped: [] },
  });
  let due: StoredBatch[] = Array.from({ length: options.batches ?? 1 }, (_, i) => batch(i + 1));
  let stored: unknown;
  const calls = {
    claimed: 0,
    attempts: 0,
    planPending: 0,
    reschedule: [] as Array<{ attempts: number; at: number }>,
    close: [] as string[],
    remove: 0,
    logged: [] as string[],
  };
  const services: Record<string, any> = {
    settings: {
      get: () => ({
        debounceMs: options.debounceMs ?? 500,
        retryAttempts: 3,
        retryMaxAgeMs: 3600_000,
        circuit: { failures: 2, cooldownMs: 30_000 },
        retentionDays: 30,
        targets: [{ name: 'web', enabled: true }],
      }),
      enabledTargets: () => [{ name: 'web', enabled: true }],
      target: () => ({ name: 'web', enabled: true }),
    },
    outbox: {
      planPending: async () => {
        calls.planPending++;
        return { planned: 0 };
      },
      claimDue: async (filter: { target?: string }, _owner: string, _now: Date, _lease: Date, limit: number) => {
        if (!filter.target) return [];
        const list = due.slice(0, limit);
        due = due.slice(limit);
        calls.claimed += list.length;
        return list;
      },
      nextDue: async () => undefined,
      renew: async () => true,
      release: async () => undefined,
      remove: async () => {
        calls.remove++;
        return true;
      },
      reschedule: async (_: StoredBatch, _owner: string, attempts: number, at: Date) => {
        calls.reschedule.push({ attempts, at: at.getTime() });
        return true;
      },
      close: async (_: StoredBatch, _owner: string, state: string) => {
        calls.close.push(state);
        return true;
      },
    },
    delivery: {
      attempt: async () => {
        calls.attempts++;
        return options.result;
      },
    },
    log: {
      record: async (_: StoredBatch, attempt: number, status: string) => void calls.logged.push(`${attempt} ${status}`),
      prune: async () => 0,
    },
  };
  const strapi: any = {
    plugin: () => ({ service: (name: string) => services[name] }),
    store: () => ({
      get: async () => stored,
      set: async ({ value }: { value: unknown }) => void (stored = value),
    }),
    db: { transaction: (cb: () => Promise<unknown>) => cb() },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  services.targets = createTargetsService({ strapi });
  return { worker: createWorkerService({ strapi }), calls, stored: () => stored };
}

/** Lets pending promise callbacks run between fake timer steps. */
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('worker timing (fake timers)', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it.each<[number, number, number]>([
    // attempt that fails → retry delay bounds (±20 % jitter around 1 s, 5 s, 30 s)
    [0, 800, 1200],
    [1, 4000, 6000],
  ])('a retryable failure on attempt %i+1 is rescheduled %i–%i ms later', async (attempts, min, max) => {
    const { worker, calls } = setup({ attempts, result: { outcome: { kind: 'retry' }, durationMs: 5, error: 'HTTP 503' } });
    worker.start();
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(calls.logged).toEqual([`${attempts + 1} retrying`]);
    expect(calls.reschedule).toHaveLength(1);
    const delay = calls.reschedule[0].at - NOW;
    expect(delay).toBeGreaterThanOrEqual(min);
    expect(delay).toBeLessThanOrEqual(max);
    await worker.stop();
  });

  it('honours Retry-After over the schedule', async () => {
    const { worker, calls } = setup({ result: { outcome: { kind: 'retry', retryAfterMs: 60_000 }, durationMs: 5 } });
    worker.start();
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(calls.reschedule[0].at - NOW).toBeGreaterThanOrEqual(60_000);
    await worker.stop();
  });

  it('declares the batch dead on the last attempt instead of rescheduling', async () => {
    const { worker, calls } = setup({ attempts: 2, result: { outcome: { kind: 'retry' }, durationMs: 5 } });
    worker.start();
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(calls.logged).toEqual(['3 dead']);
    expect(calls.close).toEqual(['dead']);
    expect(calls.reschedule).toEqual([]);
    await worker.stop();
  });

  it('removes a delivered batch and logs success', async () => {
    const { worker, calls } = setup({ result: { outcome: { kind: 'success' }, durationMs: 5, httpStatus: 200 } });
    worker.start();
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(calls.logged).toEqual(['1 success']);
    expect(calls.remove).toBe(1);
    await worker.stop();
  });

  it('looks at the outbox one debounce period after a change is notified, not before', async () => {
    const { worker, calls } = setup({ result: { outcome: { kind: 'success' }, durationMs: 5 } });
    worker.start();
    await jest.advanceTimersByTimeAsync(10);
    await flush();
    const afterStart = calls.planPending;
    worker.notify();
    await jest.advanceTimersByTimeAsync(490);
    expect(calls.planPending).toBe(afterStart);
    await jest.advanceTimersByTimeAsync(20);
    await flush();
    expect(calls.planPending).toBe(afterStart + 1);
    await worker.stop();
  });

  it('does nothing after stop', async () => {
    const { worker, calls } = setup({ result: { outcome: { kind: 'success' }, durationMs: 5 } });
    worker.start();
    await worker.stop();
    const before = calls.planPending;
    worker.notify();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls.planPending).toBe(before);
  });

  it('declares the batch dead when the next retry would fall past the maximum age', async () => {
    // Queued 59 min 59.5 s ago with a 1 h maximum: the first retry (0.8–1.2 s) would be too late.
    const { worker, calls } = setup({ enqueuedAt: NOW - 3599_500, result: { outcome: { kind: 'retry' }, durationMs: 5 } });
    worker.start();
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(calls.logged).toEqual(['1 dead']);
    expect(calls.close).toEqual(['dead']);
    await worker.stop();
  });

  it('on 410 logs "disabled", keeps the batch pending and stores the target as gone', async () => {
    const { worker, calls, stored } = setup({ batches: 2, result: { outcome: { kind: 'gone' }, durationMs: 5, httpStatus: 410 } });
    worker.start();
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(calls.logged).toEqual(['1 disabled', '1 disabled']);
    expect(calls.reschedule).toHaveLength(2);
    expect(calls.close).toEqual([]);
    expect(Object.keys(stored() as object)).toEqual(['web']);
    await worker.stop();
  });

  it('opens the circuit after consecutive failures: no claim until the cooldown, then one probe', async () => {
    // 6 due batches, 4 in flight per target at most; circuit.failures 2, cooldown 30 s.
    const { worker, calls } = setup({ batches: 6, result: { outcome: { kind: 'retry' }, durationMs: 5 } });
    worker.start();
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(calls.claimed).toBe(4);
    await jest.advanceTimersByTimeAsync(29_000);
    await flush();
    expect(calls.claimed).toBe(4);
    await jest.advanceTimersByTimeAsync(1_500);
    await flush();
    expect(calls.claimed).toBe(5);
    expect(calls.attempts).toBe(5);
    await worker.stop();
  });
});
