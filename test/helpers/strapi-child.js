'use strict';

// A Strapi process the tests can SIGKILL: boots test/app (database and plugin config from the
// environment, as testAppEnv sets them) and takes commands from its parent over IPC, so a reply
// means the command has returned (for a write: committed). See test/helpers/child.ts.
//
//   → { id, cmd: 'publish', slug }  ← { id, ok: true, documentId }   a published article
//   → { id, cmd: 'outbox' }         ← { id, ok: true, changes, pending, logs }
//   → { id, cmd: 'published' }      ← { id, ok: true, slugs }           every published article
//   → { id, cmd: 'stop' }           ← { id, ok: true }, then exits 0 after strapi.destroy()
//   ← { ready: true, pid, bootMs } once loaded; { id, ok: false, error } when a command fails
//
// With STRAPI_CHILD_DEFER_BOOT=true it loads its modules and runs Strapi's register phase (no
// database access there: about two thirds of a boot), then waits for { cmd: 'boot' } to
// bootstrap (database, schema, the plugin's worker): a test can prepare the next process while
// the previous one is still running, and still restart only after a kill.
const { createStrapi } = require('@strapi/strapi');

const send = (message) => {
  // The parent may be gone (it killed us, or crashed): nothing left to tell.
  if (process.connected) process.send(message);
};

const commands = {
  async publish(app, { slug }) {
    const doc = await app
      .documents('api::article.article')
      .create({ data: { title: `Article ${slug}`, slug }, status: 'published' });
    return { documentId: doc.documentId };
  },
  async outbox(app) {
    const query = (uid) => app.db.query(uid);
    return {
      changes: await query('plugin::revalidation.change').count({}),
      pending: await query('plugin::revalidation.batch').count({ where: { state: 'pending' } }),
      logs: await query('plugin::revalidation.log').count({}),
    };
  },
  async published(app) {
    const rows = await app.db
      .query('api::article.article')
      .findMany({ where: { publishedAt: { $notNull: true } }, select: ['slug'] });
    return { slugs: rows.map((row) => row.slug) };
  },
  async stop(app) {
    await app.destroy();
    setImmediate(() => process.exit(0));
    return {};
  },
};

(async () => {
  if (!process.send) throw new Error('strapi-child.js must be started with an IPC channel');
  const appDir = process.env.TEST_APP_DIR;
  if (!appDir) throw new Error('TEST_APP_DIR is not set');
  // An orphan would keep the database busy for the next test: go when the parent goes.
  process.on('disconnect', () => process.exit(0));

  let started = Date.now();
  const app = createStrapi({ appDir, distDir: appDir, autoReload: false, serveAdminPanel: false });
  app.log.level = process.env.STRAPI_LOG_LEVEL || 'error';
  // app.load() is register() then bootstrap().
  await app.register();
  if (process.env.STRAPI_CHILD_DEFER_BOOT === 'true') {
    await new Promise((resolve) => process.once('message', resolve));
    started = Date.now();
  }
  await app.bootstrap();

  process.on('message', (message) => {
    const run = commands[message.cmd];
    if (!run) {
      send({ id: message.id, ok: false, error: `unknown command "${message.cmd}"` });
      return;
    }
    // Commands run concurrently: the parent decides how many writes are in flight.
    run(app, message).then(
      (result) => send({ id: message.id, ok: true, ...result }),
      (error) => send({ id: message.id, ok: false, error: String((error && error.stack) || error) })
    );
  });
  send({ ready: true, pid: process.pid, bootMs: Date.now() - started });
})().catch((error) => {
  process.stderr.write(`strapi-child: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
