// Fixed fallbacks keep the test app and the demo bootable without a .env; never reuse them elsewhere.
module.exports = ({ env }) => ({
  auth: { secret: env('ADMIN_JWT_SECRET', 'revalidation-test-admin-jwt-secret') },
  apiToken: { salt: env('API_TOKEN_SALT', 'revalidation-test-api-token-salt') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT', 'revalidation-test-transfer-salt') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY', 'revalidation-test-encryption-key-32b') },
  flags: { nps: false, promoteEE: false },
});
