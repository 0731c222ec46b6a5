/**
 * Worker: drives the outbox in this Strapi process. Plans pending changes into batches when
 * their debounce window closes, claims due batches with a short lease (renewed while the request
 * is in flight), delivers them, and records each attempt. All state lives in the database, so a
 * restart, or another instance, carries on where this one stopped.
 */
import { randomUUID } from 'crypto';
import os from 'os';

import type { Core } from '@strapi/strapi';

import { retryDelay } from '../domain/backoff';
import { LOG_PREFIX } from '../plugin-id';
import type { AttemptResult } from './delivery';
import { getService } from './get-service';
import type { StoredBatch } from './outbox';

/** How long a claim holds without renewal; a crashed instance's batches free up this fast. */
export const LEASE_MS = 10_000;
const RENEW_EVERY_MS = 3_000;
/** Look at the outbox at least this often (other instances' leftovers, expired leases). */
const IDLE_POLL_MS = 5_000;
/** Requests in flight at once from this process. */
const MAX_IN_FLIGHT = 16;
const PRUNE_EVERY_MS = 6 * 3600 * 1000;

export const createWorkerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let ticking: Promise<void> | undefined;
  let tickAgain = false;
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<void> | undefined;
  const inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();

  const settings = () => getService(strapi, 'settings');
  const outbox = () => getService(strapi, 'outbox');

  /** Wakes the worker at `at` (epoch ms) unless it is already due to wake earlier. */
  const schedule = (at: number) => {
    if (stopped || at >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      void tick();
    }, Math.max(0, at - Date.now()));
    timer.unref();
  };

  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (ticking) {
      tickAgain = true;
      return ticking;
    }
    let next = Date.now() + IDLE_POLL_MS;
    ticking = (async () => {
      // Planning and delivery fail separately: a planning error must not stop deliveries.
      try {
        const { wakeAt } = await outbox().planPending(new Date());
        if (wakeAt) next = Math.min(next, wakeAt.getTime());
      } catch (error) {
        if (!stopped) strapi.log.error(`${LOG_PREFIX} planning: ${(error as Error).message}`);
      }
      try {
        const free = MAX_IN_FLIGHT - inFlight.size;
        if (free > 0 && !stopped) {
          for (const batch of await outbox().due(new Date(), free)) {
            if (stopped) break;
            if (!inFlight.has(batch.batchId)) start(batch);
          }
        }
        const nextDue = await outbox().nextDue(new Date());
        if (nextDue) next = Math.min(next, Math.max(nextDue.getTime(), Date.now() + 50));
      } catch (error) {
        if (!stopped) strapi.log.error(`${LOG_PREFIX} delivery: ${(error as Error).message}`);
      }
    })();
    await ticking;
    ticking = undefined;
    if (tickAgain) {
      tickAgain = false;
      next = Date.now();
    }
    schedule(next);
  };

  const start = (batch: StoredBatch) => {
    const controller = new AbortController();
    const done = deliver(batch, controller)
      .catch((error) => {
        if (!stopped) strapi.log.error(`${LOG_PREFIX} delivery of ${batch.batchId}: ${(error as Error).message}`);
      })
      .finally(() => {
        inFlight.delete(batch.batchId);
        schedule(Date.now());
      });
    inFlight.set(batch.batchId, { controller, done });
  };

  const deliver = async (batch: StoredBatch, controller: AbortController) => {
    if (stopped) return;
    // A fresh clock: planning may have taken a while, and the lease must really last LEASE_MS.
    const now = new Date();
    if (!(await outbox().claim(batch, owner, now, new Date(now.getTime() + LEASE_MS)))) return;
    const attempt = batch.attempts + 1;
    const target = settings().target(batch.target);
    if (!target || !target.enabled) {
      const error = target ? `target "${batch.target}" is disabled` : `target "${batch.target}" is no longer configured`;
      await finish(batch, attempt, 'dead', { outcome: { kind: 'give-up' }, durationMs: 0, error });
      return;
    }

    const renew = setInterval(() => {
      outbox()
        .renew(batch, owner, new Date(Date.now() + LEASE_MS))
        .then((held) => {
          // Another instance took the batch over (we stalled past the lease): stop sending.
          if (!held) controller.abort();
        })
        .catch(() => undefined);
    }, RENEW_EVERY_MS);
    renew.unref();
    let result: AttemptResult;
    try {
      result = await getService(strapi, 'delivery').attempt(target, batch, controller.signal);
    } finally {
      clearInterval(renew);
    }
    if (controller.signal.aborted) {
      // Aborted (shutdown, or the lease was lost): the attempt does not count. Free the batch if
      // it is still ours, so the next boot or another instance sends it at once.
      await outbox().release(batch, owner).catch(() => undefined);
      return;
    }

    const { outcome } = result;
    if (outcome.kind === 'success') return finish(batch, attempt, 'success', result);
    if (outcome.kind === 'give-up') return finish(batch, attempt, 'failed', result);
    if (attempt >= settings().get().retryAttempts) return finish(batch, attempt, 'dead', result);
    const delay = retryDelay(attempt, Math.random(), outcome.retryAfterMs);
    return finish(batch, attempt, 'retrying', result, new Date(Date.now() + delay));
  };

  /** Records the attempt and moves the batch on, in one transaction. */
  const finish = async (
    batch: StoredBatch,
    attempt: number,
    status: 'success' | 'retrying' | 'failed' | 'dead',
    result: AttemptResult,
    nextAttemptAt?: Date
  ) => {
    const log = getService(strapi, 'log');
    const held = await strapi.db.transaction(async () => {
      // Only the lease holder moves the batch on; if another instance took it over, this
      // attempt leaves no trace (that instance sends and logs its own).
      let moved: boolean;
      if (status === 'success') moved = await outbox().remove(batch, owner);
      else if (status === 'retrying') moved = await outbox().reschedule(batch, owner, attempt, nextAttemptAt!, result.error ?? '');
      else moved = await outbox().close(batch, owner, status, attempt, result.error ?? '');
      if (!moved) return false; // nothing was written
      await log.record(batch, attempt, status, result, nextAttemptAt);
      return true;
    });
    if (!held) {
      strapi.log.warn(`${LOG_PREFIX} ${batch.target} ${batch.batchId}: lease lost before the attempt was recorded`);
      return;
    }
    const line = `${LOG_PREFIX} ${batch.target} ${batch.batchId} attempt ${attempt}: ${status}${result.error ? ` (${result.error.slice(0, 200)})` : ''}`;
    if (status === 'success') strapi.log.debug(line);
    else if (status === 'retrying') strapi.log.warn(line);
    else strapi.log.error(line);
  };

  const prune = async () => {
    try {
      const count = await getService(strapi, 'log').prune(settings().get().retentionDays, new Date());
      if (count) strapi.log.info(`${LOG_PREFIX} pruned ${count} log rows past retention`);
    } catch (error) {
      strapi.log.error(`${LOG_PREFIX} log pruning failed: ${(error as Error).message}`);
    }
  };

  return {
    owner,

    /** Starts working: leftovers from a previous run are planned and delivered at once. */
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(Date.now());
      pruning = prune();
      pruneTimer = setInterval(() => {
        pruning = prune();
      }, PRUNE_EVERY_MS);
      pruneTimer.unref();
    },

    /** A change committed: look again when its debounce window may have closed. */
    notify() {
      schedule(Date.now() + settings().get().debounceMs);
    },

    /** Runs one pass now (tests, the admin's "send now"). */
    tick,

    /** Stops timers and aborts requests in flight (their batches are released, not lost). */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (pruneTimer) clearInterval(pruneTimer);
      timer = undefined;
      timerAt = Infinity;
      // A tick under way may still start deliveries: let it finish, then abort and drain them all.
      await ticking;
      await pruning;
      while (inFlight.size > 0) {
        for (const { controller } of inFlight.values()) controller.abort();
        await Promise.all([...inFlight.values()].map((f) => f.done));
      }
    },
  };
};

export type WorkerService = ReturnType<typeof createWorkerService>;
