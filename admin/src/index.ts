import type { StrapiApp } from '@strapi/strapi/admin';

import { Initializer } from './components/Initializer';
import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

type Translations = Record<string, string>;

const prefixKeys = (data: Translations): Translations =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [getTranslation(key), value]));

const plugin: StrapiApp['appPlugins'][string] = {
  register(app) {
    app.registerPlugin({
      id: PLUGIN_ID,
      initializer: Initializer,
      isReady: false,
      name: PLUGIN_ID,
    });
  },

  async registerTrads({ locales }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = (await import(`./translations/${locale}.json`)) as {
            default: Translations;
          };
          return { data: prefixKeys(data), locale };
        } catch {
          // A locale without a file falls back to English in the admin.
          return { data: {}, locale };
        }
      })
    );
  },
};

export default plugin;
