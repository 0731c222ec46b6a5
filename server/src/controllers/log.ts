import type { Core } from '@strapi/strapi';
import { errors, yup } from '@strapi/utils';

import { getService } from '../services/get-service';
import { LOG_STATUSES, type LogQuery } from '../services/log';

const querySchema = yup
  .object({
    page: yup.number().integer().min(1).default(1),
    pageSize: yup.number().integer().min(1).max(100).default(25),
    status: yup.string().oneOf(LOG_STATUSES),
    target: yup.string().min(1),
    uid: yup.string().min(1),
    documentId: yup.string().min(1),
  })
  .noUnknown();

/** Validates a query string at the edge: 400 naming the field, or the typed query. */
export async function parseLogQuery(query: unknown): Promise<LogQuery> {
  try {
    return (await querySchema.validate(query ?? {}, { strict: false, abortEarly: true, stripUnknown: false })) as LogQuery;
  } catch (error) {
    const e = error as { path?: string; message: string };
    throw new errors.ValidationError(e.message, { field: e.path });
  }
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const query = await parseLogQuery(ctx.query);
    ctx.body = await getService(strapi, 'log').find(query);
  },
});
