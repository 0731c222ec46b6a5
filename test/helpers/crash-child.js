'use strict';

// A Strapi process for crash tests: boots test/app (database and plugin config from the
// environment, as testAppEnv sets them), publishes one article, prints "WROTE <documentId>" and
// stays up until the parent kills it.
const { createStrapi } = require('@strapi/strapi');

(async () => {
  const appDir = process.env.TEST_APP_DIR;
  if (!appDir) throw new Error('TEST_APP_DIR is not set');
  const slug = process.argv[2];
  const app = createStrapi({ appDir, distDir: appDir, autoReload: false, serveAdminPanel: false });
  app.log.level = 'error';
  await app.load();
  const doc = await app
    .documents('api::article.article')
    .create({ data: { title: `Crash ${slug}`, slug }, status: 'published' });
  process.stdout.write(`WROTE ${doc.documentId}\n`);
  setInterval(() => undefined, 60_000);
})().catch((error) => {
  process.stderr.write(`crash-child: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
