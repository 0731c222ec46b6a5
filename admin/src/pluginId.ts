/** Must equal the server's plugin id (package.json `strapi.name`). */
export const PLUGIN_ID = 'revalidation';
