const { factories } = require('@strapi/strapi');
module.exports = factories.createCoreService('api::site-header.site-header');
