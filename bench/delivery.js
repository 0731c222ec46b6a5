'use strict';

/**
 * Bench: what the plugin costs on the write path, and how fast its outbox delivers.
 *
 *   npm run build && node bench/delivery.js [N]          (default 300 writes)
 *
 * Per database (sqlite always; PostgreSQL too when PGHOST or PGPORT is set, as
 * `eval "$(bash .ci/postgres-start)"` prints), in one run:
 *   - write path: N sequential publishes with the plugin disabled (baseline) and enabled;
 *   - delivery: from the last write to every path received by a loopback receiver (batchSize 1:
 *     N batches through outbox → planner → claims → HTTP → log), against a baseline of N plain
 *     POSTs of the same bodies straight to the receiver, as many at once as the plugin allows.
 * Prints figures and ratios; asserts nothing. Network: 127.0.0.1 only.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const axios = require('axios');
const { createStrapi } = require('@strapi/strapi');

const { startReceiver } = require('../scripts/lib/receiver');

const APP_DIR = path.resolve(__dirname, '..', 'test', 'app');
const ARTICLE = 'api::article.article';
const N = Number(process.argv[2]) > 0 ? Number(process.argv[2]) : 300;
const DEBOUNCE = 200;
/** The worker's per-target request slots (services/worker.ts MAX_IN_FLIGHT_PER_TARGET). */
const SLOTS = 4;
const SECRET = `whsec_${Buffer.from('revalidation-bench-secret').toString('base64')}`;

/**
 * A fresh database: env for test/app, and a drop function.
 * @param {'sqlite' | 'postgres'} client @param {string} label
 * @returns {Promise<{ env: Record<string, string>, drop: () => Promise<void> }>}
 */
async function createDatabase(client, label) {
  if (client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revalidation-bench-'));
    return {
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, `${label}.db`) },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const { Client } = require('pg');
  const server = { host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432), user: process.env.PGUSER || 'postgres', password: process.env.PGPASSWORD || '' };
  const name = `revalidation_bench_${process.pid}_${label}`;
  const admin = new Client({ ...server, database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    env: { DATABASE_CLIENT: 'postgres', DATABASE_HOST: server.host, DATABASE_PORT: String(server.port), DATABASE_USERNAME: server.user, DATABASE_PASSWORD: server.password, DATABASE_NAME: name },
    drop: async () => {
      const c = new Client({ ...server, database: 'postgres' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** @param {{ env: Record<string, string> }} database @param {{ enabled: boolean, url: string }} options */
async function boot(database, { enabled, url }) {
  Object.assign(process.env, database.env, {
    STRAPI_TELEMETRY_DISABLED: 'true',
    REVALIDATION_DISABLED: enabled ? 'false' : 'true',
    REVALIDATION_CONFIG: JSON.stringify({
      targets: [{ name: 'web', preset: 'webhook', url, secret: SECRET, batchSize: 1 }],
      // Paths only: one batch per write.
      rules: { [ARTICLE]: { paths: ['/blog/{slug}'], tags: [] } },
      // Nothing is planned until the writes stop: the two phases are measured apart.
      debounceMs: DEBOUNCE,
      maxWaitMs: 600_000,
    }),
  });
  const strapi = createStrapi({ appDir: APP_DIR, distDir: APP_DIR, autoReload: false, serveAdminPanel: false });
  strapi.log.level = 'error';
  await strapi.load();
  return strapi;
}

// Strapi finishes some work after a write returns (history versions): let it, before destroy,
// or Postgres' pool aborts a pending query.
const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

/** N sequential publishes; returns ms per write. @param {any} strapi @param {string} prefix */
async function writes(strapi, prefix) {
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    await strapi.documents(ARTICLE).create({ data: { title: `${prefix} ${i}`, slug: `${prefix}-${i}` }, status: 'published' });
  }
  return (performance.now() - started) / N;
}

/** @param {'sqlite' | 'postgres'} client */
async function measure(client) {
  const receiver = await startReceiver();
  const url = `${receiver.url}/hook`;
  /** @type {Record<string, string | number>} */
  const result = { database: client };

  const baseDb = await createDatabase(client, 'baseline');
  let strapi = await boot(baseDb, { enabled: false, url });
  try {
    result['write ms (no plugin)'] = (await writes(strapi, 'base')).toFixed(2);
  } finally {
    await settle();
    await strapi.destroy();
    await baseDb.drop();
  }

  const db = await createDatabase(client, 'plugin');
  strapi = await boot(db, { enabled: true, url });
  try {
    const perWrite = await writes(strapi, 'post');
    const lastWrite = performance.now();
    result['write ms (plugin)'] = perWrite.toFixed(2);
    result['write ratio'] = (perWrite / Number(result['write ms (no plugin)'])).toFixed(2);
    await receiver.waitFor((r) => r.length >= N, 120_000);
    const delivered = performance.now() - lastWrite;
    result['deliver N ms (incl. debounce)'] = delivered.toFixed(0);
    result['batches/s'] = ((N * 1000) / (delivered - DEBOUNCE)).toFixed(0);

    // Baseline: the same bodies POSTed straight to the receiver, SLOTS at a time.
    const bodies = receiver.requests.map((r) => r.rawBody);
    receiver.requests.length = 0;
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SLOTS }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          await axios.post(url, body, { headers: { 'content-type': 'application/json' }, proxy: false });
        }
      })
    );
    const direct = performance.now() - started;
    result['direct POSTs ms'] = direct.toFixed(0);
    result['deliver / direct'] = ((delivered - DEBOUNCE) / direct).toFixed(1);
    const logRows = await strapi.db.query('plugin::revalidation.log').count({ where: { status: 'success' } });
    result['log rows'] = logRows;
  } finally {
    await settle();
    await strapi.destroy();
    await db.drop();
    await receiver.close();
  }
  return result;
}

async function main() {
  /** @type {Array<'sqlite' | 'postgres'>} */
  const clients = ['sqlite', ...(process.env.PGHOST || process.env.PGPORT ? /** @type {const} */ (['postgres']) : [])];
  const rows = [];
  for (const client of clients) rows.push(await measure(client));
  process.stdout.write(`${N} publishes, then their delivery (batchSize 1 → ${N} batches); ${os.cpus().length} cores, node ${process.version}\n`);
  console.table(rows);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${String(error && error.stack ? error.stack : error).slice(0, 2000)}\n`);
  process.exit(1);
});
