'use strict';

/** Credentials of the demo's admin user; printed by the demo, used by tests. Local use only. */
const DEMO_ADMIN = Object.freeze({
  email: 'admin@example.com',
  password: 'Revalidation-demo-1',
  firstname: 'Demo',
  lastname: 'Admin',
});

/**
 * Creates a super admin unless one with that email exists. Returns the user.
 * @param {import('@strapi/strapi').Core.Strapi} strapi
 * @param {{ email: string, password: string, firstname: string, lastname: string }} [admin]
 */
async function seedAdmin(strapi, admin = DEMO_ADMIN) {
  const users = strapi.service('admin::user');
  const existing = await strapi.db.query('admin::user').findOne({ where: { email: admin.email } });
  if (existing) return existing;
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  if (!superAdmin) throw new Error('seed: the super admin role does not exist yet (call after bootstrap)');
  return users.create({
    ...admin,
    registrationToken: null,
    isActive: true,
    roles: [superAdmin.id],
  });
}

/**
 * Publishes a small, linked content set (authors, categories, articles, the site header) unless
 * authors already exist, so restarting the demo keeps the editor's own changes.
 * Returns what it created, by slug, or null when the content was already there.
 * @param {import('@strapi/strapi').Core.Strapi} strapi
 */
async function seedContent(strapi) {
  const existing = await strapi.documents('api::author.author').count({});
  if (existing > 0) return null;

  /** @param {import('@strapi/strapi').UID.ContentType} uid @param {Record<string, unknown>} data */
  const publish = (uid, data) =>
    strapi.documents(uid).create({ data, status: 'published' });

  const authors = {
    ann: await publish('api::author.author', { name: 'Ann Writer', slug: 'ann' }),
    bob: await publish('api::author.author', { name: 'Bob Author', slug: 'bob' }),
  };
  const categories = {
    news: await publish('api::category.category', { name: 'News', slug: 'news' }),
    guides: await publish('api::category.category', { name: 'Guides', slug: 'guides' }),
  };
  /** @type {Array<[string, string, keyof typeof authors, keyof typeof categories]>} */
  const rows = [
    ['Hello world', 'hello-world', 'ann', 'news'],
    ['Getting started', 'getting-started', 'bob', 'guides'],
    ['Strapi tips', 'strapi-tips', 'ann', 'guides'],
  ];
  /** @type {Record<string, any>} */
  const articles = {};
  for (const [title, slug, author, category] of rows) {
    articles[slug] = await publish('api::article.article', {
      title,
      slug,
      author: authors[author].documentId,
      category: categories[category].documentId,
    });
  }
  const header = await publish('api::site-header.site-header', {
    siteName: 'Revalidation demo',
    tagline: 'Edit anything and watch the receiver',
  });
  return { authors, categories, articles, header };
}

module.exports = { DEMO_ADMIN, seedAdmin, seedContent };
