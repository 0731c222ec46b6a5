import type { Core } from '@strapi/strapi';
import { errors, yup } from '@strapi/utils';

import { LOG_PREFIX } from '../plugin-id';
import { getService } from '../services/get-service';
import { BATCH_STATES, type BatchQuery } from '../services/outbox';
import { validate } from './validate';

const querySchema = yup
  .object({
    page: yup.number().integer().min(1).default(1),
    pageSize: yup.number().integer().min(1).max(100).default(25),
    state: yup.string().oneOf(BATCH_STATES),
    target: yup.string().min(1),
  })
  .noUnknown();

const replaySchema = yup
  .object({
    since: yup
      .date()
      .typeError('since must be a date (ISO 8601, such as 2026-11-22T10:00:00Z)')
      .required('since is required: replays every failed or dead batch closed at or after it'),
    target: yup.string().min(1),
  })
  .noUnknown();

const actor = (ctx: any) => (ctx.state?.user?.email ? `admin ${ctx.state.user.email}` : 'an admin');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /revalidation/batches: the outbox (pending) and batches that failed or died. */
  async find(ctx: any) {
    const query = await validate<BatchQuery>(querySchema, ctx.query);
    ctx.body = await getService(strapi, 'outbox').findBatches(query);
  },

  /** POST /revalidation/batches/:batchId/replay: one failed or dead batch, due now. */
  async replayOne(ctx: any) {
    const { batchId } = ctx.params as { batchId: string };
    const outbox = getService(strapi, 'outbox');
    const batch = await outbox.findBatch(batchId);
    if (!batch) throw new errors.NotFoundError(`no batch ${batchId} (delivered batches leave the outbox; see the log)`);
    if (batch.state === 'pending') {
      throw new errors.ApplicationError(`batch ${batchId} is pending: it will be sent at ${new Date(batch.nextAttemptAt).toISOString()}`);
    }
    const replayed = await outbox.replay({ batchId }, new Date());
    strapi.log.info(`${LOG_PREFIX} ${actor(ctx)} replayed batch ${batchId}`);
    getService(strapi, 'worker').notifyDue();
    ctx.body = { data: { replayed } };
  },

  /** POST /revalidation/batches/replay { since, target? }: every batch failed or dead since T. */
  async replaySince(ctx: any) {
    const body = await validate<{ since: Date; target?: string }>(replaySchema, ctx.request.body);
    const replayed = await getService(strapi, 'outbox').replay(body, new Date());
    strapi.log.info(
      `${LOG_PREFIX} ${actor(ctx)} replayed ${replayed.length} batch(es) failed since ${body.since.toISOString()}` +
        (body.target ? ` for target ${body.target}` : '')
    );
    if (replayed.length) getService(strapi, 'worker').notifyDue();
    ctx.body = { data: { replayed } };
  },
});
