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

export interface StoredBatch {
  id: number;
  batchId: string;
  target: string;
  state: BatchState;
  attempts: number;
  nextAttemptAt: Date;
  content: BatchContent;
}

/** Most change rows planned in one go (a bigger backlog is planned over several ticks). */
const PLAN_LIMIT = 2000;

const newBatchId = () => `msg_${randomUUID().replace(/-/g, '')}`;
const toDate = (value: unknown) => (value instanceof Date ? value : new Date(value as string));

export const createOutboxService = ({ strapi }: { strapi: Core.Strapi }) => {
  const changes = () => strapi.db.query(CHANGE as any);
  const batches = () => strapi.db.query(BATCH as any);

  const insertBatches = async (contents: BatchContent[], now: Date) => {
    for (const content of contents) {
      await batches().create({
        data: { batchId: newBatchId(), target: content.target, state: 'pending', attempts: 0, nextAttemptAt: now, content },
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

    /**
     * Plans pending changes into batches once the debounce window closes: no change for
     * `debounceMs`, or the oldest has waited `maxWaitMs`. Returns when to look again if the
     * window is still open, or undefined when nothing is pending.
     */
    async planPending(now: Date): Promise<{ planned: number; wakeAt?: Date }> {
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
        if (count !== ids.length) throw new Error('outbox: change rows were planned concurrently');
        await insertBatches(contents, now);
      });
      return { planned: rows.length, wakeAt: rows.length === PLAN_LIMIT ? now : undefined };
    },

    /** Pending batches whose time has come and whose lease (if any) has run out. */
    async due(now: Date, limit: number): Promise<StoredBatch[]> {
      const rows = await batches().findMany({
        where: {
          state: 'pending',
          nextAttemptAt: { $lte: now },
          $or: [{ leaseUntil: { $null: true } }, { leaseUntil: { $lt: now } }],
        },
        orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
        limit,
      });
      return rows.map(fromRow);
    },

    /** When the next pending batch nobody holds falls due, if any. */
    async nextDue(now: Date): Promise<Date | undefined> {
      const row = await batches().findOne({
        where: { state: 'pending', $or: [{ leaseUntil: { $null: true } }, { leaseUntil: { $lt: now } }] },
        orderBy: [{ nextAttemptAt: 'asc' }],
        select: ['nextAttemptAt'],
      });
      return row ? toDate(row.nextAttemptAt) : undefined;
    },

    /**
     * Claims a batch for `owner` until `leaseUntil`, only if nobody holds a live lease and it is
     * still in the state it was read in: a compare-and-set on the row, so exactly one instance
     * wins, and a stale copy (another instance tried it meanwhile) loses.
     */
    async claim(batch: StoredBatch, owner: string, now: Date, leaseUntil: Date): Promise<boolean> {
      const { count } = await batches().updateMany({
        where: {
          id: batch.id,
          state: 'pending',
          attempts: batch.attempts,
          nextAttemptAt: { $lte: now },
          $or: [{ leaseUntil: { $null: true } }, { leaseUntil: { $lt: now } }],
        },
        data: { claimedBy: owner, leaseUntil },
      });
      return count === 1;
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

    async close(batch: StoredBatch, owner: string, state: 'failed' | 'dead', attempts: number, lastError: string) {
      const { count } = await batches().updateMany({
        where: { id: batch.id, claimedBy: owner },
        data: { state, attempts, lastError, claimedBy: null, leaseUntil: null },
      });
      return count === 1;
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
    content: row.content,
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
