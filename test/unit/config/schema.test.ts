import { defaultConfig, validateConfig } from '../../../server/src/config/schema';

const target = { name: 'web', preset: 'webhook', url: 'http://127.0.0.1:3000/api/revalidate', secret: 'shh' };
const valid = () => ({
  ...defaultConfig(),
  targets: [{ ...target }],
  rules: { 'api::article.article': { paths: ['/blog/{slug}', '/blog'], tags: ['article:{documentId}'], targets: ['web'] } },
});

describe('config validation', () => {
  it('accepts the defaults and a full config', () => {
    expect(() => validateConfig(defaultConfig())).not.toThrow();
    expect(() => validateConfig(valid())).not.toThrow();
    expect(() =>
      validateConfig({
        ...valid(),
        targets: [{ ...target, preset: 'nextjs', secret: `whsec_${Buffer.alloc(24, 1).toString('base64')}`, options: { headers: { 'x-a': 'b' } }, batchSize: 10, timeoutMs: 2000, enabled: false }],
        graph: { maxDepth: 2, disabledEdges: ['api::article.article.author'], fanOutCap: 50 },
      })
    ).not.toThrow();
  });

  const cases: Array<[string, (c: any) => void, RegExp]> = [
    ['an unknown top-level key', (c) => (c.hooks = {}), /config: hooks: unknown key/],
    ['an unknown target key', (c) => (c.targets[0].headers = {}), /targets\[0\]\.headers: unknown key/],
    ['a bad URL', (c) => (c.targets[0].url = 'not a url'), /targets\[0\]\.url: must be an http\(s\) URL/],
    ['a non-http URL', (c) => (c.targets[0].url = 'ftp://x'), /targets\[0\]\.url/],
    ['an unknown preset', (c) => (c.targets[0].preset = 'gatsby-magic'), /targets\[0\]\.preset: must be one of webhook, nextjs/],
    ['a missing secret', (c) => delete c.targets[0].secret, /targets\[0\]\.secret: is required/],
    ['a short whsec_ secret', (c) => (c.targets[0].secret = 'whsec_YWJj'), /targets\[0\]\.secret: a whsec_ secret/],
    ['a duplicate target name', (c) => c.targets.push({ ...target }), /targets\[1\]\.name: "web" is used/],
    ['a bad target name', (c) => (c.targets[0].name = 'has space'), /targets\[0\]\.name/],
    ['a batch size of 0', (c) => (c.targets[0].batchSize = 0), /targets\[0\]\.batchSize: must be an integer from 1 to 1000/],
    ['a non-boolean enabled', (c) => (c.targets[0].enabled = 'yes'), /targets\[0\]\.enabled/],
    ['a non-string header', (c) => (c.targets[0].options = { headers: { a: 1 } }), /targets\[0\]\.options\.headers\.a: must be a string/],
    ['a header value with a newline', (c) => (c.targets[0].options = { headers: { 'x-token': 'abc\n' } }), /targets\[0\]\.options\.headers\.x-token: must be a string without line breaks/],
    ['a bad header name', (c) => (c.targets[0].options = { headers: { 'x token': 'a' } }), /targets\[0\]\.options\.headers: "x token" is not a valid header name/],
    ['headers set to null', (c) => (c.targets[0].options = { headers: null }), /targets\[0\]\.options\.headers: must be an object/],
    ['an unknown option', (c) => (c.targets[0].options = { method: 'PUT' }), /targets\[0\]\.options\.method: unknown key/],
    ['targets not an array', (c) => (c.targets = {}), /targets: must be an array/],
    ['a malformed pattern', (c) => (c.rules['api::article.article'].paths = ['/blog/{slug']), /rules\["api::article\.article"\]\.paths\[0\]: pattern "\/blog\/\{slug": "\{" at position 6 is never closed/],
    ['a path without a leading slash', (c) => (c.rules['api::article.article'].paths = ['blog']), /paths\[0\]: a path must start with "\/"/],
    ['a malformed tag', (c) => (c.rules['api::article.article'].tags = ['a:{}']), /tags\[0\]: pattern "a:\{\}": empty placeholder/],
    ['a rule for an unknown target', (c) => (c.rules['api::article.article'].targets = ['cdn']), /targets\[0\]: no target is named "cdn"/],
    ['a rule key that is no uid', (c) => (c.rules.article = { paths: [] }), /rules\["article"\]: must be a content-type uid/],
    ['paths that are not a list', (c) => (c.rules['api::article.article'].paths = '/blog'), /rules\["api::article\.article"\]\.paths: must be an array/],
    ['a per-locale entry with a bad locale', (c) => (c.rules['api::article.article'].paths = [{ 'en us': '/x' }]), /paths\[0\]: "en us" is not a locale code/],
    ['a per-locale path without a slash', (c) => (c.rules['api::article.article'].paths = [{ fr: 'x' }]), /paths\[0\]\.fr: a path must start with "\/"/],
    ['a layout that is no path', (c) => (c.rules['api::article.article'].layouts = ['home']), /layouts\[0\]: a path must start with "\/"/],
    ['an unknown rule key', (c) => (c.rules['api::article.article'].path = '/x'), /rules\["api::article\.article"\]\.path: unknown key/],
    ['a negative debounce', (c) => (c.debounceMs = -1), /debounceMs: must be an integer/],
    ['maxWaitMs below debounceMs', (c) => Object.assign(c, { debounceMs: 1000, maxWaitMs: 10 }), /maxWaitMs: must be at least debounceMs/],
    ['zero retry attempts', (c) => (c.retry.attempts = 0), /retry\.attempts/],
    ['an unknown retry key', (c) => (c.retry.schedule = []), /retry\.schedule: unknown key/],
    ['a fractional max age', (c) => (c.retry.maxAgeHours = 1.5), /retry\.maxAgeHours: must be an integer from 1/],
    ['a circuit that never opens', (c) => (c.circuit.failures = 0), /circuit\.failures: must be an integer from 1/],
    ['a circuit cooldown in seconds', (c) => (c.circuit.cooldownMs = 30), /circuit\.cooldownMs: must be an integer from 100/],
    ['an unknown circuit key', (c) => (c.circuit.threshold = 3), /circuit\.threshold: unknown key/],
    ['a non-string allow entry', (c) => (c.network.allow = [1]), /network\.allow\[0\]: must be a non-empty string/],
    ['a bad graph depth', (c) => (c.graph.maxDepth = 9), /graph\.maxDepth/],
    ['a bad retention', (c) => (c.log.retentionDays = 0.5), /log\.retentionDays/],
  ];

  it.each(cases)('rejects %s, naming the key', (_, mutate, message) => {
    const config = valid();
    mutate(config);
    expect(() => validateConfig(config)).toThrow(message);
  });
});
