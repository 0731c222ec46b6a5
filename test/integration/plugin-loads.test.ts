import { bootStrapi, type TestStrapi } from '../helpers/strapi';

describe('the plugin in test/app', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await bootStrapi();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('is loaded under its id from the built dist/', () => {
    const plugin = app.strapi.plugin('revalidation');
    expect(plugin).toBeDefined();
    expect(Object.keys(app.strapi.plugins)).toContain('revalidation');
  });

  it('leaves the app serving its content API', async () => {
    const token = await app.apiToken();
    const res = await app.http().get('/api/articles').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('rejects content-API calls without a token (the harness does not open the app)', async () => {
    const res = await app.http().get('/api/articles');
    expect([401, 403]).toContain(res.status);
  });

  it('gives an admin JWT that the admin API accepts', async () => {
    const jwt = await app.adminToken();
    const res = await app.http().get('/admin/users/me').set('authorization', `Bearer ${jwt}`);
    expect(res.status).toBe(200);
    expect(res.body.data.email).toBe('admin@example.com');
  });
});

describe('test/app with the plugin disabled', () => {
  it('boots without it, so the check above can fail', async () => {
    const app = await bootStrapi({ pluginDisabled: true });
    try {
      expect(Object.keys(app.strapi.plugins)).not.toContain('revalidation');
    } finally {
      await app.stop();
    }
  });
});
