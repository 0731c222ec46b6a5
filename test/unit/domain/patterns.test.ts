import { expandPattern, fieldPaths, parsePattern, readPath } from '../../../server/src/domain/patterns';

const ctx = (entry: Record<string, unknown>, extra: Partial<{ locale: string | null }> = {}) => ({
  uid: 'api::article.article',
  documentId: 'doc1',
  locale: 'locale' in extra ? extra.locale : 'en',
  entry,
});

describe('parsePattern', () => {
  it.each([
    ['/blog', true],
    ['/', true],
    ['/blog/{slug}', false],
    ['{uid}:{documentId}', false],
  ])('%s → plain=%s', (source, plain) => {
    expect(parsePattern(source).plain).toBe(plain);
  });

  it.each([
    ['/blog/{slug', /"\{" at position 6 is never closed/],
    ['/blog/slug}', /unexpected "\}" at position 10/],
    ['/blog/{}', /empty placeholder at position 6/],
    ['/blog/{a{b}}', /nested "\{"/],
    ['/blog/{author..slug}', /"\{author\.\.slug\}" is not a field path/],
    ['/blog/{sl ug}', /is not a field path/],
    ['', /must be a non-empty string/],
  ])('rejects %j', (source, message) => {
    expect(() => parsePattern(source)).toThrow(message);
  });

  it('lists the field paths a pattern reads (built-ins excluded)', () => {
    expect(fieldPaths(parsePattern('/{locale}/{category.slug}/{slug}/{documentId}'))).toEqual([
      ['category', 'slug'],
      ['slug'],
    ]);
  });
});

describe('readPath', () => {
  it.each([
    [{ slug: 'a' }, ['slug'], ['a']],
    [{ author: { slug: 'ann' } }, ['author', 'slug'], ['ann']],
    [{ author: null }, ['author', 'slug'], []],
    [{ tags: [{ slug: 'x' }, { slug: 'y' }] }, ['tags', 'slug'], ['x', 'y']],
    [{ seo: { meta: [{ path: 'p' }] } }, ['seo', 'meta', 'path'], ['p']],
    [{}, ['missing'], []],
  ])('%j at %j → %j', (entry, path, values) => {
    expect(readPath(entry, path)).toEqual(values);
  });
});

describe('expandPattern', () => {
  const paths = (pattern: string, entry: Record<string, unknown>, locale?: string | null) =>
    expandPattern(parsePattern(pattern), ctx(entry, { locale: locale ?? 'en' }), { encode: true });

  it.each([
    ['/blog/{slug}', { slug: 'hello' }, ['/blog/hello']],
    ['/blog', { slug: 'hello' }, ['/blog']],
    ['/{locale}/blog/{slug}', { slug: 'hello' }, ['/en/blog/hello']],
    ['/authors/{author.slug}/{slug}', { slug: 'a', author: { slug: 'ann' } }, ['/authors/ann/a']],
    ['/c/{categories.slug}', { categories: [{ slug: 'x' }, { slug: 'y' }, { slug: 'x' }] }, ['/c/x', '/c/y']],
    [
      '/{tags.slug}/{sizes.code}',
      { tags: [{ slug: 'a' }, { slug: 'b' }], sizes: [{ code: 's' }, { code: 'm' }] },
      ['/a/s', '/a/m', '/b/s', '/b/m'],
    ],
    ['/blog/{slug}', { slug: 'a b/ç?#' }, ['/blog/a%20b%2F%C3%A7%3F%23']],
    ['/n/{rank}', { rank: 7 }, ['/n/7']],
    ['/d/{documentId}', {}, ['/d/doc1']],
  ])('%s over %j → %j', (pattern, entry, expected) => {
    const result = paths(pattern, entry);
    expect(result.values).toEqual(expected);
    expect(result.dropped).toEqual([]);
  });

  it.each([
    ['/blog/{slug}', {}, '/blog/{slug}: {slug} is empty'],
    ['/blog/{slug}', { slug: null }, '/blog/{slug}: {slug} is empty'],
    ['/blog/{slug}', { slug: '' }, '/blog/{slug}: {slug} has no text value'],
    ['/a/{author.slug}', { author: null }, '/a/{author.slug}: {author.slug} is empty'],
    ['/c/{categories.slug}', { categories: [] }, '/c/{categories.slug}: {categories.slug} is empty'],
    ['/j/{meta}', { meta: { a: 1 } }, '/j/{meta}: {meta} has no text value'],
  ])('%s over %j drops the path: %s', (pattern, entry, reason) => {
    const result = paths(pattern, entry);
    expect(result.values).toEqual([]);
    expect(result.dropped).toEqual([reason]);
  });

  it('drops a {locale} path for an entry without a locale', () => {
    const result = expandPattern(parsePattern('/{locale}/x'), ctx({}, { locale: null }), { encode: true });
    expect(result.dropped).toEqual(['/{locale}/x: {locale} is empty']);
  });

  it('leaves tag values unencoded', () => {
    const result = expandPattern(parsePattern('{uid}:{documentId}'), ctx({}), { encode: false });
    expect(result.values).toEqual(['api::article.article:doc1']);
  });

  it('refuses an expansion larger than maxValues, saying so', () => {
    const many = { tags: Array.from({ length: 50 }, (_, i) => ({ slug: `t${i}` })) };
    const result = expandPattern(parsePattern('/{tags.slug}/{tags.slug}'), ctx(many), {
      encode: true,
      maxValues: 100,
    });
    expect(result.values).toEqual([]);
    expect(result.dropped[0]).toMatch(/more than 100 values/);
  });
});
