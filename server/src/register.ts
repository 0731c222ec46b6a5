import type { Core } from '@strapi/strapi';

import { PERMISSION_ACTIONS } from './permissions';
import { getService } from './services/get-service';

const register = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(PERMISSION_ACTIONS);
  // The trigger must be in place before anything writes (seeders in bootstrap included).
  getService(strapi, 'trigger').register();
};

export default register;
