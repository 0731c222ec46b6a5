import { DEMO_SECRET, demoPluginConfig } from '../../scripts/lib/demo-config';
import { DEMO_ADMIN, seedAdmin, seedContent } from '../../scripts/lib/seed';
import { verifyWebhook } from '../../server/src/domain/signing';
import { formatRequest, startReceiver, type ReceivedRequest } from '../helpers/receiver';
import { outboxDrained, receivedPaths } from '../helpers/revalidation';
import { bootStrapi, type TestStrapi } from '../helpers/strapi';

describe('demo seeding', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await bootStrapi();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('publishes linked authors, categories, articles and the site header, once', async () => {
    const created = await seedContent(app.strapi);
    expect(created).not.toBeNull();

    const articles = await app.strapi.documents('api::article.article' as any).findMany({
      status: 'published',
      populate: ['author', 'category'],
      sort: 'slug:asc',
    });
    expect(
      articles.map((a: any) => [a.slug, a.author?.slug, a.category?.slug])
    ).toEqual([
      ['getting-started', 'bob', 'guides'],
      ['hello-world', 'ann', 'news'],
      ['strapi-tips', 'ann', 'guides'],
    ]);
    const header = await app.strapi
      .documents('api::site-header.site-header' as any)
      .findFirst({ status: 'published' });
    expect(header?.siteName).toBe('Revalidation demo');

    // A restart of the demo keeps what is there (and the editor's changes).
    expect(await seedContent(app.strapi)).toBeNull();
    expect(await app.strapi.documents('api::author.author' as any).count({})).toBe(2);
  });

  it('creates the admin user it prints, once, and that user can log in', async () => {
    const first = await seedAdmin(app.strapi);
    const again = await seedAdmin(app.strapi);
    expect(again.id).toBe(first.id);
    const res = await app
      .http()
      .post('/admin/login')
      .send({ email: DEMO_ADMIN.email, password: DEMO_ADMIN.password });
    expect(res.status).toBe(200);
    expect(typeof res.body.data.token).toBe('string');
  });

  it('serves published demo content over REST', async () => {
    const token = await app.apiToken();
    const res = await app
      .http()
      .get('/api/articles?filters[slug][$eq]=hello-world&populate=author')
      .set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.data[0].author.name).toBe('Ann Writer');
  });
});

describe('demo receiver', () => {
  it('records and prints every request, with the body it got', async () => {
    const printed: string[] = [];
    const receiver = await startReceiver({ onRequest: (r) => printed.push(formatRequest(r)) });
    try {
      expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${receiver.url}/api/revalidate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
        body: JSON.stringify({ paths: ['/blog/hello-world'] }),
      });
      expect(res.status).toBe(200);
      await receiver.waitFor((all: ReceivedRequest[]) => all.length === 1, 2000);
      expect(receiver.requests[0].json).toEqual({ paths: ['/blog/hello-world'] });
      expect(printed).toHaveLength(1);
      expect(printed[0]).toContain('POST /api/revalidate webhook-id=msg_1');
      expect(printed[0]).toContain('/blog/hello-world');
    } finally {
      await receiver.close();
    }
  });

  it('answers with what a responder says (tests use it to simulate outages)', async () => {
    const receiver = await startReceiver({ respond: () => ({ status: 503 }) });
    try {
      const res = await fetch(receiver.url, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
    } finally {
      await receiver.close();
    }
  });

  it('fails waitFor with what it received when the condition never holds', async () => {
    const receiver = await startReceiver();
    try {
      await expect(receiver.waitFor((all: ReceivedRequest[]) => all.length > 0, 50)).rejects.toThrow(
        /0 request\(s\) received/
      );
    } finally {
      await receiver.close();
    }
  });
});

describe('the demo wiring', () => {
  it('a publish in the demo reaches the demo receiver, signed with the demo secret', async () => {
    const receiver = await startReceiver();
    const app = await bootStrapi({ config: demoPluginConfig(receiver.url) });
    try {
      await seedContent(app.strapi);
      // Seeding publishes content: the receiver hears about all of it.
      await receiver.waitFor((all) => receivedPaths(all).includes('/blog/hello-world'));
      await outboxDrained(app.strapi);
      receiver.requests.length = 0;

      const [article] = await app.strapi
        .documents('api::article.article' as any)
        .findMany({ filters: { slug: 'hello-world' }, status: 'published' } as any);
      await app.strapi
        .documents('api::article.article' as any)
        .update({ documentId: article.documentId, data: { slug: 'hello-again' }, status: 'published' } as any);
      await receiver.waitFor((all) => receivedPaths(all).includes('/blog/hello-again'));
      expect(receivedPaths(receiver.requests).sort()).toEqual([
        '/authors/ann',
        '/blog',
        '/blog/hello-again',
        '/blog/hello-world',
        '/categories/news',
      ]);
      const [request] = receiver.requests;
      expect(request.url).toBe('/api/revalidate');
      expect(verifyWebhook(DEMO_SECRET, request.headers, request.rawBody)).toEqual(request.json);
    } finally {
      await app.stop();
      await receiver.close();
    }
  }, 60_000);
});
