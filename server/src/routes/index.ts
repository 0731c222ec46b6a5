import { ACTIONS } from '../permissions';

/** An admin route (/revalidation/…): admin JWT and one permission action. */
const admin = (method: 'GET' | 'POST', path: string, handler: string, action: string) => ({
  method,
  path,
  handler,
  config: {
    policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }],
  },
});

export default {
  admin: {
    type: 'admin',
    routes: [
      admin('GET', '/logs', 'log.find', ACTIONS.readLog),
      admin('GET', '/batches', 'batches.find', ACTIONS.readLog),
      admin('POST', '/batches/replay', 'batches.replaySince', ACTIONS.manageDeliveries),
      admin('POST', '/batches/:batchId/replay', 'batches.replayOne', ACTIONS.manageDeliveries),
      admin('GET', '/targets', 'targets.find', ACTIONS.readLog),
      admin('POST', '/targets/:name/enable', 'targets.enable', ACTIONS.manageDeliveries),
      admin('POST', '/preview', 'preview.preview', ACTIONS.preview),
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
