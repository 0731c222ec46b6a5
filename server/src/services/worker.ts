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
/**
 * Requests in flight at once per target from this process. Per target, not shared: a target
 * that hangs until its timeout holds its own slots only and never delays the others.
 */
export const MAX_IN_FLIGHT_PER_TARGET = 4;
/** Batches of removed or config-disabled targets closed per pass. */
const ORPHANS_PER_PASS = 16;
const PRUNE_EVERY_MS = 6 * 3600 * 1000;

type Status = 'success' | 'retrying' | 'failed' | 'dead' | 'disabled';

export const createWorkerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let ticking: Promise<void> | undefined;
  let tickAgain = false;
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<void> | undefined;
  const inFlight = new Map<string, { target: string; controller: AbortController; done: Promise<void> }>();

  const settings = () => getService(strapi, 'settings');
  const outbox = () => getService(strapi, 'outbox');
  const targets = () => getService(strapi, 'targets');
  const inFlightFor = (name: string) => [...inFlight.values()].filter((f) => f.target === name).length;

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

  /**
   * Claims what each target may take now and starts it; returns when to look again. Targets are
   * served one by one, each within its own limits, so a slow or failing one takes nothing from
   * the others.
   */
  const claimAndStart = async (): Promise<number | undefined> => {
    const now = Date.now();
    const enabled = settings().enabledTargets();
    const skip: string[] = [];
    let wake: number | undefined;
    for (const target of enabled) {
      if (stopped) return undefined;
      if (targets().isGone(target.name)) {
        skip.push(target.name);
        continue;
      }
      const allowed = targets().admits(target.name, now, MAX_IN_FLIGHT_PER_TARGET - inFlightFor(target.name));
      if (allowed === 0) {
        // Full (a finishing request wakes the worker) or circuit open (wake at the probe time).
        skip.push(target.name);
        const reopens = targets().reopensAt(target.name, now);
        if (reopens !== undefined) wake = Math.min(wake ?? Infinity, reopens);
        continue;
      }
      const claimed = await outbox().claimDue({ target: target.name }, owner, new Date(), leaseEnd(), allowed);
      // A half-open circuit admitted one probe: nothing else goes until it ends.
      if (claimed.length > 0) targets().probing(target.name, now);
      for (const batch of claimed) {
        if (!stopped) start(batch);
        else await outbox().release(batch, owner);
      }
    }
    // Batches of targets removed from the config, or disabled there, cannot be sent: close them
    // as dead (replayable) rather than leave them pending forever.
    const orphans = await outbox().claimDue({ notTargets: enabled.map((t) => t.name) }, owner, new Date(), leaseEnd(), ORPHANS_PER_PASS);
    for (const batch of orphans) {
      const target = settings().target(batch.target);
      const error = target ? `target "${batch.target}" is disabled in the config` : `target "${batch.target}" is no longer configured`;
      await finish(batch, batch.attempts, 'dead', { outcome: { kind: 'give-up' }, durationMs: 0, error });
    }
    const nextDue = await outbox().nextDue(new Date(), skip);
    if (nextDue) wake = Math.min(wake ?? Infinity, Math.max(nextDue.getTime(), Date.now() + 50));
    return wake;
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
        await targets().refresh(Date.now());
        const wake = await claimAndStart();
        if (wake !== undefined) next = Math.min(next, wake);
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

  const leaseEnd = () => new Date(Date.now() + LEASE_MS);

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
    inFlight.set(batch.batchId, { target: batch.target, controller, done });
  };

  /** Sends a batch this process holds the lease of, then moves it on. */
  const deliver = async (batch: StoredBatch, controller: AbortController) => {
    const attempt = batch.attempts + 1;
    const target = settings().target(batch.target)!;
    const renew = setInterval(() => {
      outbox()
        .renew(batch, owner, leaseEnd())
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
      targets().abandon(target.name);
      await outbox().release(batch, owner).catch(() => undefined);
      return;
    }

    const { outcome } = result;
    const now = Date.now();
    if (targets().record(target.name, outcome, now)) {
      const { failures, cooldownMs } = settings().get().circuit;
      strapi.log.warn(
        `${LOG_PREFIX} ${target.name}: circuit open after ${failures}+ consecutive failures; ` +
          `its batches wait, next probe in ${Math.round(cooldownMs / 1000)} s or more`
      );
    }
    if (outcome.kind === 'success') return finish(batch, attempt, 'success', result);
    if (outcome.kind === 'give-up') return finish(batch, attempt, 'failed', result);
    if (outcome.kind === 'gone') {
      const error = `${result.error ?? 'HTTP 410'} — target "${target.name}" disabled (410 Gone); its batches wait until it is re-enabled: POST /revalidation/targets/${target.name}/enable`;
      await targets().markGone(target.name, { at: new Date(now).toISOString(), batchId: batch.batchId, error: result.error ?? 'HTTP 410' });
      return finish(batch, attempt, 'disabled', { ...result, error }, new Date(now));
    }
    const { retryAttempts, retryMaxAgeMs } = settings().get();
    const delay = retryDelay(attempt, Math.random(), outcome.retryAfterMs);
    if (attempt >= retryAttempts) {
      return finish(batch, attempt, 'dead', { ...result, error: `${result.error} — dead: no attempt left (retry.attempts ${retryAttempts})` });
    }
    if (now + delay > batch.enqueuedAt.getTime() + retryMaxAgeMs) {
      const hours = Math.round(retryMaxAgeMs / 36e5);
      return finish(batch, attempt, 'dead', { ...result, error: `${result.error} — dead: the next attempt would fall past retry.maxAgeHours (${hours} h)` });
    }
    return finish(batch, attempt, 'retrying', result, new Date(now + delay));
  };

  /** Records the attempt and moves the batch on, in one transaction. */
  const finish = async (batch: StoredBatch, attempt: number, status: Status, result: AttemptResult, nextAttemptAt?: Date) => {
    const log = getService(strapi, 'log');
    const held = await strapi.db.transaction(async () => {
      // Only the lease holder moves the batch on; if another instance took it over, this
      // attempt leaves no trace (that instance sends and logs its own).
      let moved: boolean;
      if (status === 'success') moved = await outbox().remove(batch, owner);
      else if (status === 'retrying' || status === 'disabled') {
        moved = await outbox().reschedule(batch, owner, attempt, nextAttemptAt!, result.error ?? '');
      } else moved = await outbox().close(batch, owner, status, attempt, result.error ?? '', new Date());
      if (!moved) return false; // nothing was written
      await log.record(batch, attempt, status, result, status === 'retrying' ? nextAttemptAt : undefined);
      return true;
    });
    if (!held) {
      strapi.log.warn(`${LOG_PREFIX} ${batch.target} ${batch.batchId}: lease lost before the attempt was recorded`);
      return;
    }
    const line = `${LOG_PREFIX} ${batch.target} ${batch.batchId} attempt ${attempt}: ${status}${result.error ? ` (${result.error.slice(0, 300)})` : ''}`;
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

    /** Batches became due now (a replay, a re-enabled target): look at once. */
    notifyDue() {
      schedule(Date.now());
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
