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
        method: 'GET',
        path: '/batches',
        handler: 'batches.find',
        config: adminOnly([ACTIONS.readLog]),
      },
      {
        method: 'POST',
        path: '/batches/replay',
        handler: 'batches.replaySince',
        config: adminOnly([ACTIONS.manageDeliveries]),
      },
      {
        method: 'POST',
        path: '/batches/:batchId/replay',
        handler: 'batches.replayOne',
        config: adminOnly([ACTIONS.manageDeliveries]),
      },
      {
        method: 'GET',
        path: '/targets',
        handler: 'targets.find',
        config: adminOnly([ACTIONS.readLog]),
      },
      {
        method: 'POST',
        path: '/targets/:name/enable',
        handler: 'targets.enable',
        config: adminOnly([ACTIONS.manageDeliveries]),
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
