'use strict';

/** The demo's signing secret: printed by the demo so a frontend developer can try verifying. */
const DEMO_SECRET = `whsec_${Buffer.from('revalidation-demo-secret-32-bytes').toString('base64')}`;

/**
 * The plugin config the demo boots with: the demo receiver as the one frontend, and rules for
 * the demo's content model (an article shows on its author's and its category's page).
 * @param {string} receiverUrl
 */
function demoPluginConfig(receiverUrl) {
  return {
    targets: [{ name: 'demo-frontend', preset: 'webhook', url: `${receiverUrl}/api/revalidate`, secret: DEMO_SECRET }],
    rules: {
      'api::article.article': {
        paths: ['/blog/{slug}', '/blog', '/authors/{author.slug}', '/categories/{category.slug}'],
        tags: ['api::article.article:{documentId}', 'api::article.article:list'],
      },
      'api::author.author': { paths: ['/authors/{slug}'], tags: ['api::author.author:{documentId}'] },
      'api::category.category': { paths: ['/categories/{slug}'], tags: ['api::category.category:{documentId}'] },
      // Shown on every page: revalidate everything under '/'.
      'api::site-header.site-header': { layouts: ['/'] },
    },
  };
}

module.exports = { DEMO_SECRET, demoPluginConfig };
