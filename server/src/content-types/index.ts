/**
 * The plugin's own tables. Hidden from the Content Manager and the Content-Type Builder, written
 * only with strapi.db.query (the document service would run them through the plugin's own trigger
 * and Strapi's history).
 */
const hidden = {
  'content-manager': { visible: false },
  'content-type-builder': { visible: false },
};

const schema = (
  singularName: string,
  pluralName: string,
  collectionName: string,
  description: string,
  attributes: Record<string, unknown>
) => ({
  schema: {
    kind: 'collectionType',
    collectionName,
    info: { singularName, pluralName, displayName: `Revalidation ${singularName}`, description },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    attributes,
  },
});

export default {
  /** Outbox, part 1: one row per public change, written in the same transaction as the change. */
  change: schema('change', 'changes', 'revalidation_changes', 'A content change waiting to be planned', {
    uid: { type: 'string', required: true },
    /** The changed entry's documentId (`documentId` itself is reserved for the row's own). */
    entryDocumentId: { type: 'string', required: true },
    action: { type: 'string', required: true },
    /** Set by the trigger; the debounce window is measured on it, across instances. */
    recordedAt: { type: 'datetime', required: true },
    /** Change without the uid/documentId/action columns: before/after snapshots and the actor. */
    payload: { type: 'json', required: true },
  }),
  /** Outbox, part 2: a request-sized unit of work for one target, kept until delivered or dead. */
  batch: schema('batch', 'batches', 'revalidation_batches', 'A revalidation request for one target', {
    /** Stable across retries: sent as `webhook-id`. */
    batchId: { type: 'string', required: true, unique: true },
    target: { type: 'string', required: true },
    /** pending → (deleted when delivered) | failed | dead; failed and dead can be replayed. */
    state: { type: 'string', required: true },
    attempts: { type: 'integer', required: true, default: 0 },
    nextAttemptAt: { type: 'datetime', required: true },
    /** When it was queued (or replayed): retry.maxAgeHours counts from here. */
    enqueuedAt: { type: 'datetime' },
    /** When it became failed or dead: "replay all failed since T" reads it. */
    closedAt: { type: 'datetime' },
    /** How many times it was replayed by hand. */
    replays: { type: 'integer', default: 0 },
    /** Lease: the instance delivering it, until when. Another instance may take over after. */
    claimedBy: { type: 'string' },
    leaseUntil: { type: 'datetime' },
    content: { type: 'json', required: true },
    lastError: { type: 'text' },
  }),
  /** One row per delivery attempt. */
  log: schema('log', 'logs', 'revalidation_logs', 'One delivery attempt', {
    target: { type: 'string', required: true },
    batchId: { type: 'string', required: true },
    attempt: { type: 'integer', required: true },
    /** 0 for the batch's first run, n for its n-th replay (attempts count from 1 again). */
    replay: { type: 'integer', default: 0 },
    /** success | retrying | failed | dead | disabled (410: the batch waits for the target) */
    status: { type: 'string', required: true },
    httpStatus: { type: 'integer' },
    durationMs: { type: 'integer' },
    error: { type: 'text' },
    nextAttemptAt: { type: 'datetime' },
    paths: { type: 'json' },
    tags: { type: 'json' },
    layouts: { type: 'json' },
    events: { type: 'json' },
    reasons: { type: 'json' },
    /** `|uid|uid|` and `|documentId|…|` so the log can be filtered without JSON queries. */
    uids: { type: 'text' },
    documentIds: { type: 'text' },
  }),
};
