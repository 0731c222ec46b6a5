/** The plugin's id: `strapi.plugin('revalidation')`, `config/plugins` key, admin route prefix. */
export const PLUGIN_ID = 'revalidation';

/** Prefix of every log line the plugin writes, so operators can grep for it. */
export const LOG_PREFIX = `[${PLUGIN_ID}]`;
