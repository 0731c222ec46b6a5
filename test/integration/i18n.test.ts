/**
 * Locales: a change in one locale revalidates that locale's pages and dependents only; rules can
 * give one pattern per locale; deleting one locale revalidates only its pages.
 */
import { startReceiver, type Receiver } from '../helpers/receiver';
import { outboxDrained, receivedPaths, TEST_SECRET } from '../helpers/revalidation';
import { bootStrapi, type TestStrapi } from '../helpers/strapi';
import { sleep } from '../helpers/wait';

const PRODUCT = 'api::product.product';
const BRAND = 'api::brand.brand';

describe('two locales (en default, fr)', () => {
  let receiver: Receiver;
  let app: TestStrapi;
  const ids: Record<string, string> = {};

  const docs = (uid: string) => app.strapi.documents(uid as any);
  const pathsAfter = async (change: () => Promise<unknown>) => {
    receiver.requests.length = 0;
    await change();
    await sleep(150);
    await outboxDrained(app.strapi);
    return [...new Set(receivedPaths(receiver.requests))].sort();
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await bootStrapi({
      config: {
        targets: [{ name: 'web', preset: 'webhook', url: `${receiver.url}/hook`, secret: TEST_SECRET }],
        rules: {
          // The default locale without a prefix, French under /fr with its own words.
          [PRODUCT]: { paths: [{ en: '/products/{slug}', fr: '/fr/produits/{slug}' }, { en: '/products', fr: '/fr/produits' }] },
          [BRAND]: { paths: ['/{locale}/brands/{slug}'] },
        },
        debounceMs: 100,
        maxWaitMs: 1000,
      },
    });
    await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
    const brand = await docs(BRAND).create({ data: { name: 'Acme', slug: 'acme' }, locale: 'en', status: 'published' } as any);
    ids.brand = brand.documentId;
    await docs(BRAND).update({ documentId: ids.brand, locale: 'fr', data: { name: 'Acmé', slug: 'acme-fr' }, status: 'published' } as any);
    const shoe = await docs(PRODUCT).create({ data: { name: 'Shoe', slug: 'shoe', brand: ids.brand }, locale: 'en', status: 'published' } as any);
    ids.shoe = shoe.documentId;
    await docs(PRODUCT).update({ documentId: ids.shoe, locale: 'fr', data: { name: 'Chaussure', slug: 'chaussure', brand: ids.brand }, status: 'published' } as any);
    await sleep(150);
    await outboxDrained(app.strapi);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('a change in fr → the fr pages of the entry and of its fr dependents only', async () => {
    const paths = await pathsAfter(() =>
      docs(BRAND).update({ documentId: ids.brand, locale: 'fr', data: { slug: 'acme-france' }, status: 'published' } as any)
    );
    expect(paths).toEqual(['/fr/brands/acme-fr', '/fr/brands/acme-france', '/fr/produits', '/fr/produits/chaussure']);
  });

  it('a change in the default locale (no locale given) → the en pages, unprefixed per the rule', async () => {
    const paths = await pathsAfter(() =>
      docs(PRODUCT).update({ documentId: ids.shoe, data: { slug: 'sneaker' }, status: 'published' } as any)
    );
    expect(paths).toEqual(['/en/brands/acme', '/products', '/products/shoe', '/products/sneaker']);
  });

  it('deleting the fr locale of a product → only its fr pages (and its fr brand)', async () => {
    const paths = await pathsAfter(() => docs(PRODUCT).delete({ documentId: ids.shoe, locale: 'fr' } as any));
    expect(paths).toEqual(['/fr/brands/acme-france', '/fr/produits', '/fr/produits/chaussure']);
    const events = receiver.requests.flatMap((r) => (r.json as any).events);
    expect(events.map((e: any) => [e.action, e.locale])).toContainEqual(['delete', 'fr']);
    expect(events.some((e: any) => e.locale === 'en')).toBe(false);
  });
});
