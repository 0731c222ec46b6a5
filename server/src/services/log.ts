/**
 * The delivery log: one row per attempt, what the admin's Log page and `GET /revalidation/logs`
 * show. Pruned after `log.retentionDays`.
 */
import type { Core } from '@strapi/strapi';

import type { AttemptResult } from './delivery';
import type { StoredBatch } from './outbox';

const LOG = 'plugin::revalidation.log';

/** `disabled`: the target answered 410 and was disabled; the batch waits for it. */
export type LogStatus = 'success' | 'retrying' | 'failed' | 'dead' | 'disabled';
export const LOG_STATUSES: LogStatus[] = ['success', 'retrying', 'failed', 'dead', 'disabled'];

export interface LogQuery {
  page: number;
  pageSize: number;
  status?: LogStatus;
  target?: string;
  uid?: string;
  documentId?: string;
  batchId?: string;
}

/** `|a|b|`: a value is found with `$contains: '|a|'`, never by a prefix of another. */
const joined = (values: Array<string | null | undefined>) =>
  `|${[...new Set(values.filter(Boolean))].join('|')}|`;

export const createLogService = ({ strapi }: { strapi: Core.Strapi }) => {
  const logs = () => strapi.db.query(LOG as any);

  return {
    async record(
      batch: StoredBatch,
      attempt: number,
      status: LogStatus,
      result: AttemptResult,
      nextAttemptAt?: Date
    ) {
      const { content } = batch;
      await logs().create({
        data: {
          target: batch.target,
          batchId: batch.batchId,
          attempt,
          replay: batch.replays,
          status,
          httpStatus: result.httpStatus ?? null,
          durationMs: result.durationMs,
          error: result.error ?? null,
          nextAttemptAt: nextAttemptAt ?? null,
          paths: content.paths,
          tags: content.tags,
          layouts: content.layouts,
          events: content.events,
          reasons: { ...content.reasons, ...(content.skipped.length ? { skipped: content.skipped } : {}) },
          uids: joined(content.events.map((e) => e.uid)),
          documentIds: joined(content.events.map((e) => e.documentId)),
        },
      });
    },

    async find(query: LogQuery) {
      const where: Record<string, unknown> = {};
      if (query.status) where.status = query.status;
      if (query.target) where.target = query.target;
      if (query.batchId) where.batchId = query.batchId;
      if (query.uid) where.uids = { $contains: `|${query.uid}|` };
      if (query.documentId) where.documentIds = { $contains: `|${query.documentId}|` };
      const [rows, total] = await Promise.all([
        logs().findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          offset: (query.page - 1) * query.pageSize,
          limit: query.pageSize,
        }),
        logs().count({ where }),
      ]);
      return {
        results: rows.map(({ uids: _u, documentIds: _d, ...row }: any) => row),
        pagination: {
          page: query.page,
          pageSize: query.pageSize,
          total,
          pageCount: Math.ceil(total / query.pageSize),
        },
      };
    },

    /** Deletes rows older than the retention period; returns how many. */
    async prune(retentionDays: number, now: Date) {
      const before = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
      const { count } = await logs().deleteMany({ where: { createdAt: { $lt: before } } });
      return count;
    },
  };
};

export type LogService = ReturnType<typeof createLogService>;
