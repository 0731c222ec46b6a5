import { PLUGIN_ID } from '../pluginId';

/** Namespaces a translation key with the plugin id, as the admin's i18n expects. */
export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;
