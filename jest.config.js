// Server-side code and integration tests run in node; the admin's component tests (jsdom) get
// their own project when the admin pages arrive.
const transform = {
  '^.+\\.tsx?$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' },
      module: { type: 'commonjs' },
    },
  ],
};

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  transform,
  ...extra,
});

// The integration suite runs a second time on PostgreSQL when a server is configured (PGHOST or
// PGPORT, as .ci/postgres-start prints) and always in CI, where a missing server fails the run.
const withPostgres = process.env.CI === 'true' || Boolean(process.env.PGHOST || process.env.PGPORT);

// testTimeout is not a per-project option: the integration projects set it in a setup file.
const INTEGRATION_SETUP = '<rootDir>/test/helpers/integration-timeout.js';

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    // Each integration file boots a real Strapi on its own temp database: a fresh Postgres
    // schema under load takes longer than jest's 5 s default.
    project('integration', { slowTestThreshold: 30, setupFilesAfterEnv: [INTEGRATION_SETUP] }),
    ...(withPostgres
      ? [
          project('integration', {
            displayName: 'integration-postgres',
            slowTestThreshold: 30,
            setupFiles: ['<rootDir>/test/helpers/use-postgres.js'],
            setupFilesAfterEnv: [INTEGRATION_SETUP],
          }),
        ]
      : []),
    // Packs the plugin and installs it into a freshly scaffolded Strapi app: minutes, not seconds.
    project('package', { slowTestThreshold: 600 }),
  ],
};
