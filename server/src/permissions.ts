/** Admin permission actions of the plugin, registered in register() and checked on its routes. */
export const ACTIONS = {
  readLog: 'plugin::revalidation.log.read',
  preview: 'plugin::revalidation.preview',
  manageDeliveries: 'plugin::revalidation.deliveries.manage',
} as const;

export const PERMISSION_ACTIONS = [
  {
    section: 'plugins',
    displayName: 'Read the revalidation log',
    uid: 'log.read',
    pluginName: 'revalidation',
  },
  {
    section: 'plugins',
    displayName: 'Preview what a change revalidates',
    uid: 'preview',
    pluginName: 'revalidation',
  },
  {
    section: 'plugins',
    displayName: 'Replay failed deliveries and re-enable targets',
    uid: 'deliveries.manage',
    pluginName: 'revalidation',
  },
];
