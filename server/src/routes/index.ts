import { ACTIONS } from '../permissions';

const adminOnly = (actions: string[]) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions } }],
});

export default {
  admin: {
    type: 'admin',
    routes: [
      {
        method: 'GET',
        path: '/logs',
        handler: 'log.find',
        config: adminOnly([ACTIONS.readLog]),
      },
      {
        method: 'POST',
        path: '/preview',
        handler: 'preview.preview',
        config: adminOnly([ACTIONS.preview]),
      },
    ],
  },
  // Content API: /api/revalidation/…, API token required (scope plugin::revalidation.trigger.trigger).
  'content-api': {
    type: 'content-api',
    routes: [
      {
        method: 'POST',
        path: '/trigger',
        handler: 'trigger.trigger',
        config: { policies: [] },
      },
    ],
  },
};
