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

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    // Each integration file boots a real Strapi on its own temp database.
    project('integration', { slowTestThreshold: 30 }),
    // Packs the plugin and installs it into a freshly scaffolded Strapi app: minutes, not seconds.
    project('package', { slowTestThreshold: 600 }),
  ],
};
