'use strict';

// `npm run demo`: the test app on sqlite with the plugin (built by the npm script just before),
// a seeded admin user and content, and a frontend receiver on 127.0.0.1 that prints what it gets.

const { spawnSync } = require('child_process');
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const { createStrapi } = require('@strapi/strapi');

const { formatRequest, startReceiver } = require('./lib/receiver');
const { DEMO_ADMIN, seedAdmin, seedContent } = require('./lib/seed');
const { DEMO_SECRET, demoPluginConfig } = require('./lib/demo-config');
// The package root, as a frontend would import it (built by the npm script before the demo).
const { verifyWebhook } = require('strapi-plugin-revalidation');

const ROOT = path.resolve(__dirname, '..');
const APP_DIR = path.join(ROOT, 'test', 'app');
const STRAPI_BIN = path.join(ROOT, 'node_modules', '.bin', 'strapi');

const PORT = Number(process.env.PORT || 1337);
const RECEIVER_PORT = Number(process.env.DEMO_RECEIVER_PORT || 4010);

/**
 * A hash of every file under `dir` (names and contents): the plugin's built admin. The npm script
 * rebuilds dist/ before each demo, so modification times always change; contents only do when
 * the admin code did.
 * @param {string} dir
 * @returns {string}
 */
function hashTree(dir) {
  const hash = createHash('sha256');
  /** @param {string} current */
  const walk = (current) => {
    if (!fs.existsSync(current)) return;
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(dir, full)).update(fs.readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Builds the admin panel of test/app when it is missing or the plugin's admin code changed. */
function buildAdminIfStale() {
  const stamp = path.join(APP_DIR, 'build', '.plugin-admin-hash');
  const current = hashTree(path.join(ROOT, 'dist', 'admin'));
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === current) return;
  process.stdout.write('Building the admin panel (first run or plugin admin changed, ~40 s)…\n');
  const result = spawnSync(STRAPI_BIN, ['build'], {
    cwd: APP_DIR,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', STRAPI_TELEMETRY_DISABLED: 'true' },
  });
  if (result.status !== 0) {
    throw new Error(`the admin build failed (exit ${result.status}); see the output above`);
  }
  fs.writeFileSync(stamp, current);
}

async function main() {
  fs.mkdirSync(path.join(APP_DIR, '.tmp'), { recursive: true });
  process.env.DATABASE_CLIENT = 'sqlite';
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  process.env.DATABASE_FILENAME = process.env.DATABASE_FILENAME || '.tmp/demo.db';
  process.env.PORT = String(PORT);
  process.env.HOST = process.env.HOST || '127.0.0.1';

  buildAdminIfStale();

  const receiver = await startReceiver({
    port: RECEIVER_PORT,
    onRequest: (request) => {
      let signature = 'signature ok';
      try {
        verifyWebhook(DEMO_SECRET, request.headers, request.rawBody);
      } catch (error) {
        signature = `signature REJECTED: ${/** @type {Error} */ (error).message}`;
      }
      process.stdout.write(`${formatRequest(request)} (${signature})\n`);
    },
  });
  process.env.REVALIDATION_CONFIG = JSON.stringify(demoPluginConfig(receiver.url));

  const strapi = createStrapi({
    appDir: APP_DIR,
    distDir: APP_DIR,
    autoReload: false,
    serveAdminPanel: true,
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the demo…\n');
    await strapi.destroy().catch(() => undefined);
    await receiver.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  await strapi.load();
  await seedAdmin(strapi);
  const seeded = await seedContent(strapi);
  await strapi.listen();

  const base = `http://${process.env.HOST}:${PORT}`;
  process.stdout.write(
    [
      '',
      '  Revalidation demo is running',
      `  Admin panel:       ${base}/admin`,
      `  Log in with:       ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`,
      `  Frontend receiver: ${receiver.url} (every request it gets is printed below)`,
      `  Signing secret:    ${DEMO_SECRET}`,
      `  Database:          ${path.resolve(APP_DIR, process.env.DATABASE_FILENAME)}`,
      `  Content:           ${seeded ? 'seeded (3 articles, 2 authors, 2 categories, site header)' : 'kept from the last run'}`,
      '  Stop with Ctrl-C.',
      '',
    ].join('\n') + '\n'
  );
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
