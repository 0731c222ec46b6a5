import path from 'path';

import { createStrapi, type Core } from '@strapi/strapi';
import supertest from 'supertest';

import { DEMO_ADMIN, seedAdmin } from '../../scripts/lib/seed';
import { createTestDatabase, type TestDatabase } from './database';

/** The real Strapi app the integration tests and the demo boot. */
export const TEST_APP_DIR = path.resolve(__dirname, '..', 'app');

export interface BootOptions {
  /** The plugin's config (`config/plugins` → revalidation.config), passed as JSON to test/app. */
  config?: Record<string, unknown>;
  /** Boot test/app with the plugin disabled (a baseline for comparisons). */
  pluginDisabled?: boolean;
  /** Reuse an existing database (a restart) instead of creating a fresh one. */
  database?: TestDatabase;
}

export interface TestStrapi {
  strapi: Core.Strapi;
  database: TestDatabase;
  /** supertest bound to the running server. */
  http: () => supertest.Agent;
  /** A JWT of a super admin (created once), for `Authorization: Bearer` on admin routes. */
  adminToken(): Promise<string>;
  /** A JWT of a new admin user holding only `roleId` (permission tests). */
  adminTokenForRole(roleId: number, name: string): Promise<string>;
  /** A full-access content-API token (created once). */
  apiToken(): Promise<string>;
  /** Destroys Strapi; drops the database unless `keepDatabase`. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** Environment for a Strapi process booting test/app with this database and plugin config. */
export const testAppEnv = (database: TestDatabase, options: BootOptions = {}) => ({
  ...database.env,
  REVALIDATION_CONFIG: JSON.stringify(options.config ?? {}),
  REVALIDATION_DISABLED: options.pluginDisabled ? 'true' : 'false',
  // Tests talk to 127.0.0.1 only.
  STRAPI_TELEMETRY_DISABLED: 'true',
  // Strapi's own request logger is noise in test output.
  STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL || 'error',
});

/**
 * Boots test/app in this process (no admin panel, no listening port: supertest drives the
 * server) with the built plugin from dist/. Call `stop()` in afterAll.
 */
export async function bootStrapi(options: BootOptions = {}): Promise<TestStrapi> {
  const database = options.database ?? (await createTestDatabase());
  Object.assign(process.env, testAppEnv(database, options));

  const strapi = createStrapi({
    appDir: TEST_APP_DIR,
    distDir: TEST_APP_DIR,
    autoReload: false,
    serveAdminPanel: false,
  });
  strapi.log.level = process.env.STRAPI_LOG_LEVEL || 'error';
  try {
    await strapi.load();
    strapi.server.mount();
  } catch (error) {
    await strapi.destroy().catch(() => undefined);
    if (!options.database) await database.drop();
    throw error;
  }

  let adminJwt: string | undefined;
  let apiKey: string | undefined;
  const http = () => supertest.agent(strapi.server.httpServer);

  return {
    strapi,
    database,
    http,
    async adminToken() {
      if (adminJwt) return adminJwt;
      await seedAdmin(strapi);
      const res = await http()
        .post('/admin/login')
        .send({ email: DEMO_ADMIN.email, password: DEMO_ADMIN.password });
      if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`);
      adminJwt = res.body.data.token as string;
      return adminJwt;
    },
    async adminTokenForRole(roleId: number, name: string) {
      const user = { email: `${name}@example.com`, password: `${name}-Password-1`, firstname: name, lastname: 'Test' };
      await strapi.service('admin::user').create({ ...user, isActive: true, registrationToken: null, roles: [roleId] });
      const res = await http().post('/admin/login').send({ email: user.email, password: user.password });
      if (res.status !== 200) throw new Error(`admin login of ${user.email} failed: ${res.status} ${res.text}`);
      return res.body.data.token as string;
    },
    async apiToken() {
      if (apiKey) return apiKey;
      const token = await strapi.service('admin::api-token').create({
        name: `test-${Date.now()}`,
        type: 'full-access',
        lifespan: null,
      });
      apiKey = token.accessKey as string;
      return apiKey;
    },
    async stop({ keepDatabase = false } = {}) {
      await strapi.destroy();
      if (!keepDatabase) await database.drop();
    },
  };
}
