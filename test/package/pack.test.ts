/**
 * What a user gets from npm: pack the plugin, scaffold a fresh Strapi 5.54 app the way its docs say,
 * install the tarball as a dependency (no --legacy-peer-deps, no --force), enable the plugin, boot
 * the app and build its admin panel. A wrong `exports` entry or peer range fails here, not at a user's.
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const STRAPI_VERSION = '5.54.0';
const MINUTE = 60_000;

/** Runs a command; on failure the error carries its output, so the jest report says why. */
async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  try {
    return await run(cmd, args, {
      cwd,
      env: { ...process.env, CI: 'true', NODE_ENV: undefined, STRAPI_TELEMETRY_DISABLED: 'true', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}: ${e.message}\n--- stdout\n${String(e.stdout).slice(-4000)}\n--- stderr\n${String(e.stderr).slice(-4000)}`
    );
  }
}

describe('the packed plugin in a freshly scaffolded Strapi app', () => {
  let work: string;
  let appDir: string;
  let tarball: string;
  let packedFiles: string[];

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'revalidation-pack-'));
    // --ignore-scripts: the test suite already built dist/ (pretest); rebuilding it here would
    // pull the rug from under integration tests running in parallel.
    const { stdout } = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info.filename);
    packedFiles = info.files.map((f) => f.path);
  }, 2 * MINUTE);

  afterAll(async () => {
    // The scaffolded app's node_modules is large: removing it takes a while.
    if (work) await fs.rm(work, { recursive: true, force: true });
  }, 2 * MINUTE);

  it('ships both built halves and nothing from the tests', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/server/index.js',
        'dist/server/index.mjs',
        'dist/admin/index.js',
        'dist/admin/index.mjs',
        'dist/verify/index.js',
      ])
    );
    expect(packedFiles.filter((f) => /^(test|scripts|server\/src|admin\/src|\.ci)\//.test(f))).toEqual([]);
  });

  it('passes strapi-plugin verify', async () => {
    const { stdout, stderr } = await sh('npx', ['strapi-plugin', 'verify'], ROOT);
    expect(`${stdout}\n${stderr}`).not.toMatch(/error/i);
  }, 2 * MINUTE);

  it(
    'installs into a new Strapi 5.54 app with plain npm install',
    async () => {
      await sh(
        'npx',
        [
          '-y',
          'create-strapi-app@5.55.0',
          'app',
          '--no-run',
          '--skip-cloud',
          '--typescript',
          '--use-npm',
          '--skip-db',
          '--no-example',
          '--no-git-init',
          '--no-install',
          '--non-interactive',
        ],
        work
      );
      appDir = path.join(work, 'app');
      const pkgPath = path.join(appDir, 'package.json');
      const pkg = JSON.parse(await fs.readFile(pkgPath, 'utf8'));
      // The registry here has nothing newer than 5.54.0 that installs (see shared notes).
      for (const name of Object.keys(pkg.dependencies)) {
        if (name.startsWith('@strapi/')) pkg.dependencies[name] = STRAPI_VERSION;
      }
      pkg.dependencies['strapi-plugin-revalidation'] = `file:${tarball}`;
      await fs.writeFile(pkgPath, JSON.stringify(pkg, null, 2));

      await sh('npm', ['install', '--no-audit', '--no-fund'], appDir);
      // npm ls exits non-zero on a missing or invalid peer dependency.
      const { stdout } = await sh('npm', ['ls', 'strapi-plugin-revalidation', '--json'], appDir);
      const own = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
      expect(JSON.parse(stdout).dependencies['strapi-plugin-revalidation'].version).toBe(own.version);
    },
    15 * MINUTE
  );

  it('exports verifyWebhook from the package root, without loading Strapi', async () => {
    expect(appDir).toBeDefined();
    const script = `
      const { verifyWebhook, signatureHeaders } = require('strapi-plugin-revalidation');
      const body = JSON.stringify({ paths: ['/'] });
      const headers = signatureHeaders('whsec_' + Buffer.alloc(24, 7).toString('base64'), 'msg_1', body);
      const parsed = verifyWebhook('whsec_' + Buffer.alloc(24, 7).toString('base64'), headers, body);
      const strapiLoaded = Object.keys(require.cache).some((f) => f.includes('@strapi'));
      process.stdout.write(JSON.stringify({ parsed, strapiLoaded }));
    `;
    const { stdout } = await sh('node', ['-e', script], appDir);
    expect(JSON.parse(stdout)).toEqual({ parsed: { paths: ['/'] }, strapiLoaded: false });
  });

  it(
    'boots with the plugin enabled by its id, loaded from node_modules',
    async () => {
      expect(appDir).toBeDefined();
      await fs.writeFile(
        path.join(appDir, 'config', 'plugins.ts'),
        `export default () => ({ revalidation: { enabled: true } });\n`
      );
      // A small script boots the app as `strapi start` would (compile TS, load) and reports what loaded.
      await fs.writeFile(
        path.join(appDir, 'check-plugin.js'),
        `const { compileStrapi, createStrapi } = require('@strapi/strapi');
(async () => {
  const app = await createStrapi(await compileStrapi()).load();
  const plugin = app.plugin('revalidation');
  const report = { plugins: Object.keys(app.plugins), loaded: Boolean(plugin) };
  await app.destroy();
  process.stdout.write('REPORT ' + JSON.stringify(report) + '\\n');
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`
      );
      const { stdout } = await sh('node', ['check-plugin.js'], appDir);
      const line = stdout.split('\n').find((l) => l.startsWith('REPORT '));
      expect(line).toBeDefined();
      const report = JSON.parse(line!.slice('REPORT '.length));
      expect(report.plugins).toContain('revalidation');
      expect(report.loaded).toBe(true);
    },
    5 * MINUTE
  );

  it(
    'is part of the app’s admin build',
    async () => {
      expect(appDir).toBeDefined();
      await sh('npx', ['strapi', 'build'], appDir, { NODE_ENV: 'production' });
      // The admin entry Strapi generates imports every plugin's `./strapi-admin` export.
      const entry = await fs.readFile(path.join(appDir, '.strapi', 'client', 'app.js'), 'utf8');
      expect(entry).toContain('strapi-plugin-revalidation/strapi-admin');
      await expect(fs.stat(path.join(appDir, 'dist', 'build', 'index.html'))).resolves.toBeDefined();
    },
    5 * MINUTE
  );
});
