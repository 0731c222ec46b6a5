import type { Core } from '@strapi/strapi';

import { LOG_PREFIX } from './plugin-id';

const bootstrap = ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.log.debug(`${LOG_PREFIX} ready`);
};

export default bootstrap;
