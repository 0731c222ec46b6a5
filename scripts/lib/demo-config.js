'use strict';

/**
 * The plugin config the demo boots with: the demo receiver as the frontend.
 * @param {string} _receiverUrl
 * @returns {Record<string, unknown>}
 */
function demoPluginConfig(_receiverUrl) {
  return {};
}

module.exports = { demoPluginConfig };
