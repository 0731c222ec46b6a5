import type { Core } from '@strapi/strapi';
import { yup } from '@strapi/utils';

import { getService } from '../services/get-service';
import { LOG_STATUSES, type LogQuery } from '../services/log';
import { validate } from './validate';

const querySchema = yup
  .object({
    page: yup.number().integer().min(1).default(1),
    pageSize: yup.number().integer().min(1).max(100).default(25),
    status: yup.string().oneOf(LOG_STATUSES),
    target: yup.string().min(1),
    uid: yup.string().min(1),
    documentId: yup.string().min(1),
    batchId: yup.string().min(1),
  })
  .noUnknown();

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const query = await validate<LogQuery>(querySchema, ctx.query);
    ctx.body = await getService(strapi, 'log').find(query);
  },
});
