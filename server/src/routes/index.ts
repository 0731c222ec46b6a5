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
    ],
  },
};
