'use strict';

/**
 * Bench: an author with N published articles is renamed. How long does planning take (dependents
 * walk + loading + expanding patterns), and how many SQL statements does it run? Baseline in the
 * same run: the single query a hand-written webhook would need just to list the author's articles.
 *
 *   npm run build && node bench/graph-planning.js [N ...]      (default 100 1000 10000)
 *
 * Prints figures and ratios; asserts nothing. Needs no network beyond 127.0.0.1.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const { createStrapi } = require('@strapi/strapi');

const APP_DIR = path.resolve(__dirname, '..', 'test', 'app');
const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const RUNS = 5;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** @param {string} dbFile */
async function boot(dbFile) {
  Object.assign(process.env, {
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: dbFile,
    STRAPI_TELEMETRY_DISABLED: 'true',
    REVALIDATION_CONFIG: JSON.stringify({
      // Never delivered during the bench: the debounce outlasts it.
      targets: [{ name: 'web', preset: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'bench' }],
      rules: { [ARTICLE]: { paths: ['/blog/{slug}', '/blog'] }, [AUTHOR]: { paths: ['/authors/{slug}'] } },
      graph: { fanOutCap: 1_000_000 },
      debounceMs: 60_000,
      maxWaitMs: 600_000,
    }),
  });
  const strapi = createStrapi({ appDir: APP_DIR, distDir: APP_DIR, autoReload: false, serveAdminPanel: false });
  strapi.log.level = 'error';
  await strapi.load();
  return strapi;
}

/**
 * N published articles (draft + published rows, as Strapi keeps them) linked to one author.
 * @param {any} strapi
 * @param {number} n
 */
async function seed(strapi, n) {
  const author = await strapi.documents(AUTHOR).create({ data: { name: `Author ${n}`, slug: `author-${n}` }, status: 'published' });
  const authorRows = await strapi.db.query(AUTHOR).findMany({ where: { documentId: author.documentId }, select: ['id', 'publishedAt'] });
  const link = strapi.db.metadata.get(ARTICLE).attributes.author.joinTable;
  const now = new Date();
  for (let start = 0; start < n; start += 500) {
    const count = Math.min(500, n - start);
    const data = [];
    for (let i = start; i < start + count; i++) {
      const base = { documentId: `b${n}x${String(i).padStart(16, '0')}`, title: `Article ${i}`, slug: `article-${n}-${i}` };
      data.push({ ...base, publishedAt: null }, { ...base, publishedAt: now });
    }
    /** @type {{ ids: number[] }} */
    const { ids } = await strapi.db.query(ARTICLE).createMany({ data });
    // Draft rows link to the draft author, published rows to the published author.
    const rows = ids.map((id, k) => ({
      [link.joinColumn.name]: id,
      [link.inverseJoinColumn.name]: authorRows.find((/** @type {any} */ r) => Boolean(r.publishedAt) === (k % 2 === 1)).id,
      [link.inverseOrderColumnName]: start + Math.floor(k / 2) + 1,
    }));
    // sqlite caps a multi-row insert at 500 selects: insert in slices.
    for (let k = 0; k < rows.length; k += 100) await strapi.db.getConnection(link.name).insert(rows.slice(k, k + 100));
  }
  return author.documentId;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revalidation-bench-'));
  const strapi = await boot(path.join(dir, 'bench.db'));
  let statements = 0;
  strapi.db.connection.on('query', () => statements++);
  const planning = strapi.plugin('revalidation').service('planning');
  const rows = [];
  try {
    for (const n of sizes.length ? sizes : [100, 1000, 10000]) {
      const documentId = await seed(strapi, n);
      const change = {
        uid: AUTHOR,
        documentId,
        action: 'update',
        before: [{ locale: null, entry: { slug: `author-${n}` } }],
        after: [{ locale: null, entry: { slug: `author-${n}-renamed` } }],
      };
      const planTimes = [];
      const planStatements = [];
      let paths = 0;
      for (let run = 0; run < RUNS; run++) {
        statements = 0;
        const started = performance.now();
        const batches = await planning.plan([change]);
        planTimes.push(performance.now() - started);
        planStatements.push(statements);
        paths = batches.reduce((/** @type {number} */ sum, /** @type {any} */ b) => sum + b.paths.length, 0);
      }
      const baseTimes = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        await strapi.db.query(ARTICLE).findMany({
          select: ['documentId', 'slug'],
          where: { publishedAt: { $notNull: true }, author: { documentId } },
        });
        baseTimes.push(performance.now() - started);
      }
      const plan = median(planTimes);
      const base = median(baseTimes);
      rows.push({ dependents: n, paths, 'plan ms': plan.toFixed(1), 'SQL statements': median(planStatements), 'baseline ms': base.toFixed(1), 'plan / baseline': (plan / base).toFixed(2) });
    }
  } finally {
    await strapi.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`Planning an author rename (median of ${RUNS}; sqlite; ${os.cpus().length} cores, node ${process.version})\n`);
  console.table(rows);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${String(error && error.stack ? error.stack : error).slice(0, 2000)}\n`);
  process.exit(1);
});
