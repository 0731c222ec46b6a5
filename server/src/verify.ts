/**
 * The package root (`require('strapi-plugin-revalidation')`): what a frontend needs to check that
 * a request came from this plugin. No Strapi code is loaded from here.
 */
export {
  verifyWebhook,
  WebhookVerificationError,
  sign,
  signatureHeaders,
  type VerifyOptions,
} from './domain/signing';
