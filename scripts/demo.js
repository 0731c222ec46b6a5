'use strict';

// `npm run demo`: the test app on sqlite with the plugin (built by the npm script just before),
// a seeded admin user and content, and a frontend receiver on 127.0.0.1 that prints what it gets.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { createStrapi } = require('@strapi/strapi');

const { formatRequest, startReceiver } = require('./lib/receiver');
const { DEMO_ADMIN, seedAdmin, seedContent } = require('./lib/seed');
const { demoPluginConfig } = require('./lib/demo-config');

const ROOT = path.resolve(__dirname, '..');
const APP_DIR = path.join(ROOT, 'test', 'app');
const STRAPI_BIN = path.join(ROOT, 'node_modules', '.bin', 'strapi');

const PORT = Number(process.env.PORT || 1337);
const RECEIVER_PORT = Number(process.env.DEMO_RECEIVER_PORT || 4010);

/**
 * Newest modification time of any file under `dir` (0 when it does not exist).
 * @param {string} dir
 * @returns {number}
 */
function newestMtime(dir) {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

/** Builds the admin panel of test/app when it is missing or older than the plugin's admin code. */
function buildAdminIfStale() {
  const marker = path.join(APP_DIR, 'build', 'index.html');
  const builtAt = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
  if (builtAt > newestMtime(path.join(ROOT, 'dist', 'admin'))) return;
  process.stdout.write('Building the admin panel (first run or plugin admin changed, ~30 s)…\n');
  const result = spawnSync(STRAPI_BIN, ['build'], {
    cwd: APP_DIR,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`the admin build failed (exit ${result.status}); see the output above`);
  }
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
    onRequest: (request) => process.stdout.write(`${formatRequest(request)}\n`),
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
