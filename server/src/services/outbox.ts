/**
 * Outbox: the durable state between a write and its delivery. Change rows (written by the
 * trigger inside the write's transaction) are planned into batch rows per target; batch rows are
 * claimed with a lease, delivered, and rescheduled or closed. Everything goes through
 * strapi.db.query so it works on every database Strapi supports.
 */
import { randomUUID } from 'crypto';

import type { Core } from '@strapi/strapi';

import type { BatchContent } from '../domain/batching';
import type { Change } from '../domain/types';
import { getService } from './get-service';

const CHANGE = 'plugin::revalidation.change';
const BATCH = 'plugin::revalidation.batch';

/** Batch states. Delivered batches are deleted: the log keeps their record. */
export type BatchState = 'pending' | 'failed' | 'dead';

export const BATCH_STATES: BatchState[] = ['pending', 'failed', 'dead'];

export interface StoredBatch {
  id: number;
  batchId: string;
  target: string;
  state: BatchState;
  attempts: number;
  nextAttemptAt: Date;
  /** When it was queued or last replayed (retry.maxAgeHours counts from here). */
  enqueuedAt: Date;
  replays: number;
  content: BatchContent;
}

/** Which batches a claim may take: one target's, or those of targets not in a list (orphans). */
export type TargetFilter = { target: string } | { notTargets: string[] };

export interface BatchQuery {
  page: number;
  pageSize: number;
  state?: BatchState;
  target?: string;
}

/** Most change rows planned in one go (a bigger backlog is planned over several ticks). */
const PLAN_LIMIT = 2000;

/** pg_try_advisory_xact_lock key of the planning step (any constant unique to the plugin). */
const PLANNING_LOCK = 0x7265_7661; // "reva"

/** Some change rows were planned by another instance first: this attempt rolls back, quietly. */
class PlannedElsewhere extends Error {}

const newBatchId = () => `msg_${randomUUID().replace(/-/g, '')}`;
const toDate = (value: unknown) => (value instanceof Date ? value : new Date(value as string));

export const createOutboxService = ({ strapi }: { strapi: Core.Strapi }) => {
  const changes = () => strapi.db.query(CHANGE as any);
  const batches = () => strapi.db.query(BATCH as any);

  /** PostgreSQL: claim and lock in one statement; rows another transaction holds are skipped. */
  const claimSkipLocked = async (filter: TargetFilter, owner: string, now: Date, leaseUntil: Date, limit: number) => {
    const meta = strapi.db.metadata.get(BATCH);
    const col = (attribute: string) => (meta.attributes[attribute] as { columnName?: string }).columnName ?? attribute;
    // getConnection applies the configured schema (connection.schema), as Strapi's own queries do.
    const table = () => strapi.db.getConnection(meta.tableName);
    const due = table()
      .select('id')
      .where(col('state'), 'pending')
      .where(col('nextAttemptAt'), '<=', now)
      .where((q) => q.whereNull(col('leaseUntil')).orWhere(col('leaseUntil'), '<', now))
      .orderBy([{ column: col('nextAttemptAt') }, { column: 'id' }])
      .limit(limit)
      .forUpdate()
      .skipLocked();
    if ('target' in filter) due.where(col('target'), filter.target);
    else if (filter.notTargets.length) due.whereNotIn(col('target'), filter.notTargets);
    const rows = await table()
      .whereIn('id', due)
      .update({ [col('claimedBy')]: owner, [col('leaseUntil')]: leaseUntil })
      .returning('id');
    return rows.map((r: { id: number } | number) => (typeof r === 'number' ? r : r.id));
  };

  /**
   * Plans pending changes into batches once the debounce window closes: no change for
   * `debounceMs`, or the oldest has waited `maxWaitMs`. Returns when to look again if the
   * window is still open, or undefined when nothing is pending.
   */
  const planRows = async (now: Date): Promise<{ planned: number; wakeAt?: Date }> => {
    const settings = getService(strapi, 'settings').get();
    const rows = (await changes().findMany({ orderBy: { id: 'asc' }, limit: PLAN_LIMIT })) as any[];
    if (rows.length === 0) return { planned: 0 };
    const times = rows.map((r) => toDate(r.recordedAt).getTime());
    const quietAt = Math.max(...times) + settings.debounceMs;
    const capAt = Math.min(...times) + settings.maxWaitMs;
    if (now.getTime() < quietAt && now.getTime() < capAt) {
      return { planned: 0, wakeAt: new Date(Math.min(quietAt, capAt)) };
    }

    const planned: Change[] = rows.map((r) => ({
      uid: r.uid,
      documentId: r.entryDocumentId,
      action: r.action,
      ...r.payload,
    }));
    const contents = await getService(strapi, 'planning').plan(planned);

    const ids = rows.map((r) => r.id);
    await strapi.db.transaction(async () => {
      const { count } = await changes().deleteMany({ where: { id: { $in: ids } } });
      // Another instance planned some of these rows meanwhile: roll back and let it be.
      if (count !== ids.length) throw new PlannedElsewhere();
      await insertBatches(contents, now);
    });
    return { planned: rows.length, wakeAt: rows.length === PLAN_LIMIT ? now : undefined };
  };

  const insertBatches = async (contents: BatchContent[], now: Date) => {
    for (const content of contents) {
      await batches().create({
        data: {
          batchId: newBatchId(),
          target: content.target,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          enqueuedAt: now,
          replays: 0,
          content,
        },
      });
    }
  };

  return {
    /** Batches that need no planning (the external trigger's explicit paths), due now. */
    async enqueue(contents: BatchContent[], now: Date) {
      await strapi.db.transaction(() => insertBatches(contents, now));
    },

    /** Called by the trigger inside the write's transaction. */
    async recordChange(change: Change) {
      const { uid, documentId, action, ...payload } = change;
      await changes().create({
        data: { uid, entryDocumentId: documentId, action, payload, recordedAt: new Date() },
      });
    },

    /** planRows, one instance at a time on PostgreSQL. */
    async planPending(now: Date): Promise<{ planned: number; wakeAt?: Date }> {
      try {
        if (strapi.db.dialect.client !== 'postgres') return await planRows(now);
        // PostgreSQL, several instances: one plans at a time (a transaction-scoped advisory
        // lock); the others go on delivering and find the batches at their next look.
        return await strapi.db.transaction(async ({ trx }) => {
          const { rows } = await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS locked', [PLANNING_LOCK]);
          if (!rows[0]?.locked) return { planned: 0 };
          return planRows(now);
        });
      } catch (error) {
        // Rolled back as a whole: the rows stay for whoever planned them, or for the next look.
        if (error instanceof PlannedElsewhere) return { planned: 0, wakeAt: new Date(now.getTime() + 100) };
        throw error;
      }
    },

    /**
     * Claims up to `limit` due batches (pending, time come, no live lease) for `owner` until
     * `leaseUntil`, oldest first, and returns them. On PostgreSQL one statement does it with
     * `FOR UPDATE SKIP LOCKED`: instances claiming at once take different rows without waiting
     * on each other. Elsewhere each row is claimed by a compare-and-set on the state it was read
     * in, so exactly one instance wins it.
     */
    async claimDue(filter: TargetFilter, owner: string, now: Date, leaseUntil: Date, limit: number): Promise<StoredBatch[]> {
      if (limit <= 0) return [];
      if (strapi.db.dialect.client === 'postgres') {
        const ids = await claimSkipLocked(filter, owner, now, leaseUntil, limit);
        if (ids.length === 0) return [];
        const rows = await batches().findMany({ where: { id: { $in: ids }, claimedBy: owner }, orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }] });
        return rows.map(fromRow);
      }
      const candidates = (await batches().findMany({
        where: { ...dueWhere(now), ...targetWhere(filter) },
        orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
        limit,
      })) as any[];
      if (candidates.length === 0) return [];
      // One transaction for the set: one commit (one fsync on sqlite) instead of one per row.
      return strapi.db.transaction(async () => {
        const claimed: StoredBatch[] = [];
        for (const row of candidates) {
          const { count } = await batches().updateMany({
            where: { id: row.id, attempts: row.attempts, ...dueWhere(now) },
            data: { claimedBy: owner, leaseUntil },
          });
          if (count === 1) claimed.push(fromRow(row));
        }
        return claimed;
      });
    },

    /** When the next pending batch nobody holds falls due, leaving out `skipTargets`. */
    async nextDue(now: Date, skipTargets: string[] = []): Promise<Date | undefined> {
      const row = await batches().findOne({
        where: {
          state: 'pending',
          $or: [{ leaseUntil: { $null: true } }, { leaseUntil: { $lt: now } }],
          ...(skipTargets.length ? { target: { $notIn: skipTargets } } : {}),
        },
        orderBy: [{ nextAttemptAt: 'asc' }],
        select: ['nextAttemptAt'],
      });
      return row ? toDate(row.nextAttemptAt) : undefined;
    },

    /** Extends a lease held by `owner` while its request is in flight. */
    async renew(batch: StoredBatch, owner: string, leaseUntil: Date): Promise<boolean> {
      const { count } = await batches().updateMany({
        where: { id: batch.id, claimedBy: owner },
        data: { leaseUntil },
      });
      return count === 1;
    },

    /** Drops a lease so the batch can be picked up at once (shutdown). */
    async release(batch: StoredBatch, owner: string) {
      await batches().updateMany({ where: { id: batch.id, claimedBy: owner }, data: { claimedBy: null, leaseUntil: null } });
    },

    // The three ways an attempt moves a batch on. Each applies only while `owner` holds the
    // lease and returns whether it did.

    async remove(batch: StoredBatch, owner: string): Promise<boolean> {
      const { count } = await batches().deleteMany({ where: { id: batch.id, claimedBy: owner } });
      return count === 1;
    },

    async reschedule(batch: StoredBatch, owner: string, attempts: number, nextAttemptAt: Date, lastError: string) {
      const { count } = await batches().updateMany({
        where: { id: batch.id, claimedBy: owner },
        data: { attempts, nextAttemptAt, lastError, claimedBy: null, leaseUntil: null },
      });
      return count === 1;
    },

    async close(batch: StoredBatch, owner: string, state: 'failed' | 'dead', attempts: number, lastError: string, now: Date) {
      const { count } = await batches().updateMany({
        where: { id: batch.id, claimedBy: owner },
        data: { state, attempts, lastError, closedAt: now, claimedBy: null, leaseUntil: null },
      });
      return count === 1;
    },

    /** One batch by its id (the `webhook-id`), any state. */
    async findBatch(batchId: string) {
      const row = await batches().findOne({ where: { batchId } });
      return row ? toView(row) : undefined;
    },

    /** Batches for the admin, newest first; pending ones are still in the outbox. */
    async findBatches(query: BatchQuery) {
      const where: Record<string, unknown> = {};
      if (query.state) where.state = query.state;
      if (query.target) where.target = query.target;
      const [rows, total] = await Promise.all([
        batches().findMany({ where, orderBy: [{ id: 'desc' }], offset: (query.page - 1) * query.pageSize, limit: query.pageSize }),
        batches().count({ where }),
      ]);
      return {
        results: rows.map(toView),
        pagination: { page: query.page, pageSize: query.pageSize, total, pageCount: Math.ceil(total / query.pageSize) },
      };
    },

    /**
     * Puts failed or dead batches back in the queue, due now, with a fresh attempt budget and
     * max age, under the same batch id (a receiver deduplicating on `webhook-id` sees a resend).
     * Returns the batch ids replayed. `since` reads when they failed (closedAt).
     */
    async replay(select: { batchId: string } | { since: Date; target?: string }, now: Date): Promise<string[]> {
      return strapi.db.transaction(async () => {
        const where: Record<string, unknown> = { state: { $in: ['failed', 'dead'] } };
        if ('batchId' in select) where.batchId = select.batchId;
        else {
          where.closedAt = { $gte: select.since };
          if (select.target) where.target = select.target;
        }
        const rows = (await batches().findMany({ where, select: ['id', 'batchId', 'replays'], orderBy: { id: 'asc' } })) as any[];
        const replayed: string[] = [];
        for (const row of rows) {
          const { count } = await batches().updateMany({
            where: { id: row.id, state: { $in: ['failed', 'dead'] } },
            data: {
              state: 'pending',
              attempts: 0,
              nextAttemptAt: now,
              enqueuedAt: now,
              closedAt: null,
              replays: (row.replays ?? 0) + 1,
              claimedBy: null,
              leaseUntil: null,
            },
          });
          if (count === 1) replayed.push(row.batchId);
        }
        return replayed;
      });
    },

    async pendingCounts() {
      return {
        changes: await changes().count({}),
        batches: await batches().count({ where: { state: 'pending' } }),
      };
    },
  };
};

function fromRow(row: any): StoredBatch {
  return {
    id: row.id,
    batchId: row.batchId,
    target: row.target,
    state: row.state,
    attempts: row.attempts ?? 0,
    nextAttemptAt: toDate(row.nextAttemptAt),
    enqueuedAt: toDate(row.enqueuedAt ?? row.createdAt ?? row.nextAttemptAt),
    replays: row.replays ?? 0,
    content: row.content,
  };
}

/** What the admin API shows of a batch (no lease internals). */
function toView(row: any) {
  const { content } = row;
  return {
    batchId: row.batchId,
    target: row.target,
    state: row.state,
    attempts: row.attempts ?? 0,
    replays: row.replays ?? 0,
    nextAttemptAt: row.state === 'pending' ? row.nextAttemptAt : null,
    enqueuedAt: row.enqueuedAt ?? row.createdAt,
    closedAt: row.closedAt ?? null,
    lastError: row.lastError ?? null,
    inFlight: Boolean(row.leaseUntil && toDate(row.leaseUntil).getTime() > Date.now()),
    paths: content?.paths ?? [],
    tags: content?.tags ?? [],
    layouts: content?.layouts ?? [],
    events: content?.events ?? [],
  };
}

/** Pending, due, and nobody holds a live lease. */
const dueWhere = (now: Date) => ({
  state: 'pending',
  nextAttemptAt: { $lte: now },
  $or: [{ leaseUntil: { $null: true } }, { leaseUntil: { $lt: now } }],
});

const targetWhere = (filter: TargetFilter) =>
  'target' in filter ? { target: filter.target } : filter.notTargets.length ? { target: { $notIn: filter.notTargets } } : {};

export type OutboxService = ReturnType<typeof createOutboxService>;
