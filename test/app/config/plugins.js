const path = require('path');

// The plugin is loaded from the working tree (its built dist/). An absolute directory is the only
// `resolve` form that loads both halves: a relative one can resolve inside @strapi/core and the
// plugin is silently skipped.
const pluginDir = path.resolve(__dirname, '..', '..', '..');

// Tests and the demo pass the plugin's config as JSON, so each test file (and each child process
// of a crash test) boots the same app with its own targets and rules.
const readConfig = () => {
  const raw = process.env.REVALIDATION_CONFIG;
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new Error(`test/app: REVALIDATION_CONFIG is not valid JSON: ${error.message}`);
  }
};

module.exports = () => ({
  revalidation: {
    enabled: process.env.REVALIDATION_DISABLED !== 'true',
    resolve: pluginDir,
    config: readConfig(),
  },
});
