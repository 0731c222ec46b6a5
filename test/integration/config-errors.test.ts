/** Config is code: a mistake stops the boot with a message naming the key, and nothing starts. */
import { bootStrapi } from '../helpers/strapi';

const target = { name: 'web', preset: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'shh' };

describe('a Strapi boot with a broken revalidation config', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown key', { targets: [target], retries: 3 }, /revalidation config: retries: unknown key/],
    ['a bad URL', { targets: [{ ...target, url: 'localhost:3000' }] }, /targets\[0\]\.url: must be an http\(s\) URL/],
    ['an unknown preset', { targets: [{ ...target, preset: 'varnish' }] }, /targets\[0\]\.preset/],
    ['a missing secret', { targets: [{ ...target, secret: '' }] }, /targets\[0\]\.secret: is required/],
    ['a malformed pattern', { targets: [target], rules: { 'api::article.article': { paths: ['/blog/{slug'] } } }, /paths\[0\]: pattern "\/blog\/\{slug"/],
    ['a rule for a type that does not exist', { targets: [target], rules: { 'api::post.post': { paths: ['/p/{slug}'] } } }, /rules\["api::post\.post"\]: no content type has this uid/],
    ['a rule naming an unknown field', { targets: [target], rules: { 'api::article.article': { paths: ['/blog/{permalink}'] } } }, /rules\["api::article\.article"\]\.paths\[0\] \(\{permalink\}\): api::article\.article has no field "permalink"/],
    ['a rule ending on a relation', { targets: [target], rules: { 'api::article.article': { paths: ['/a/{author}'] } } }, /"author" is a relation: name one of its fields/],
  ])('stops on %s', async (_, config, message) => {
    await expect(bootStrapi({ config })).rejects.toThrow(message);
  }, 30_000);
});
