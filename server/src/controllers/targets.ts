import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import { LOG_PREFIX } from '../plugin-id';
import { getService } from '../services/get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /revalidation/targets: each target's state (disabled by a 410, circuit); no secrets. */
  async find(ctx: any) {
    ctx.body = { data: await getService(strapi, 'targets').status(Date.now()) };
  },

  /** POST /revalidation/targets/:name/enable: undoes a 410; the target's waiting batches go out. */
  async enable(ctx: any) {
    const { name } = ctx.params as { name: string };
    if (!getService(strapi, 'settings').target(name)) throw new errors.NotFoundError(`no target named "${name}"`);
    const wasDisabled = await getService(strapi, 'targets').enable(name);
    if (wasDisabled) {
      strapi.log.info(`${LOG_PREFIX} ${ctx.state?.user?.email ?? 'an admin'} re-enabled target ${name}`);
      getService(strapi, 'worker').notifyDue();
    }
    const status = (await getService(strapi, 'targets').status(Date.now())).find((t) => t.name === name);
    ctx.body = { data: { ...status, wasDisabled } };
  },
});
