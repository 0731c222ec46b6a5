import { changeEvents, splitIntoBatches } from '../../../server/src/domain/batching';
import { compilePatterns, plan, type CompiledRule } from '../../../server/src/domain/planner';
import type { Change, TargetPlan } from '../../../server/src/domain/types';

const ARTICLE = 'api::article.article';
type Entries = Array<string | Record<string, string>>;
const rule = (paths: Entries, tags: Entries = [], targets?: string[], layouts: Entries = []): CompiledRule => ({
  uid: ARTICLE,
  paths: compilePatterns(paths),
  tags: compilePatterns(tags),
  layouts: compilePatterns(layouts),
  targets,
});
const snap = (entry: Record<string, unknown>, locale: string | null = null) => ({ locale, entry });
const change = (action: Change['action'], before: Array<ReturnType<typeof snap>>, after: Array<ReturnType<typeof snap>>, documentId = 'd1'): Change => ({
  uid: ARTICLE,
  documentId,
  action,
  before,
  after,
});

/** item values of one target, as "kind value" strings, sorted */
const values = (plans: TargetPlan[], target = 'web') =>
  (plans.find((p) => p.target === target)?.items ?? []).map((i) => `${i.kind} ${i.value}`).sort();

describe('planner: own rule, before and after', () => {
  const rules = { [ARTICLE]: rule(['/blog/{slug}', '/blog'], ['article:{documentId}']) };
  const targets = ['web'];

  it.each<[string, Change, string[]]>([
    ['create+publish', change('create', [], [snap({ slug: 'new' })]), ['path /blog', 'path /blog/new', 'tag article:d1']],
    ['publish after draft edits', change('publish', [snap({ slug: 'a' })], [snap({ slug: 'a' })]), ['path /blog', 'path /blog/a', 'tag article:d1']],
    ['slug rename', change('publish', [snap({ slug: 'old' })], [snap({ slug: 'new' })]), ['path /blog', 'path /blog/new', 'path /blog/old', 'tag article:d1']],
    ['unpublish', change('unpublish', [snap({ slug: 'gone' })], []), ['path /blog', 'path /blog/gone', 'tag article:d1']],
    ['delete', change('delete', [snap({ slug: 'gone' })], []), ['path /blog', 'path /blog/gone', 'tag article:d1']],
    ['first publish of an entry without slug', change('publish', [], [snap({ slug: null })]), ['path /blog', 'tag article:d1']],
  ])('%s', (_, c, expected) => {
    expect(values(plan({ changes: [c], rules, targets }))).toEqual(expected);
  });

  it('gives reasons: own page, old value, gone, list page', () => {
    const plans = plan({
      changes: [
        change('publish', [snap({ slug: 'old' })], [snap({ slug: 'new' })]),
        change('delete', [snap({ slug: 'x' })], [], 'd2'),
      ],
      rules,
      targets,
    });
    const reasons = Object.fromEntries(plans[0].items.map((i) => [i.value, i.reasons]));
    expect(reasons['/blog/new']).toEqual([`own page of ${ARTICLE} d1`]);
    expect(reasons['/blog/old']).toEqual([`old value before the change: ${ARTICLE} d1`]);
    expect(reasons['/blog/x']).toEqual([`gone after delete: ${ARTICLE} d2`]);
    expect(reasons['/blog']).toEqual([`list page of ${ARTICLE} (publish)`, `list page of ${ARTICLE} (delete)`]);
  });

  it('says why a path was skipped', () => {
    const plans = plan({ changes: [change('publish', [], [snap({ slug: '' })])], rules, targets });
    expect(plans[0].skipped).toEqual([`${ARTICLE} d1: /blog/{slug}: {slug} has no text value`]);
  });

  it('handles each locale on its own', () => {
    const localized = { [ARTICLE]: rule(['/{locale}/blog/{slug}']) };
    const c = change('publish', [snap({ slug: 'a' }, 'en'), snap({ slug: 'a-fr' }, 'fr')], [snap({ slug: 'b' }, 'en'), snap({ slug: 'a-fr' }, 'fr')]);
    expect(values(plan({ changes: [c], rules: localized, targets }))).toEqual([
      'path /en/blog/a',
      'path /en/blog/b',
      'path /fr/blog/a-fr',
    ]);
  });

  it('applies per-locale patterns to their locale only; deleting one locale revalidates its pages only', () => {
    const perLocale = { [ARTICLE]: rule([{ en: '/products/{slug}', fr: '/fr/produits/{slug}' }, { en: '/products', fr: '/fr/produits' }]) };
    const both = change('publish', [], [snap({ slug: 'shoe' }, 'en'), snap({ slug: 'chaussure' }, 'fr')]);
    expect(values(plan({ changes: [both], rules: perLocale, targets }))).toEqual([
      'path /fr/produits',
      'path /fr/produits/chaussure',
      'path /products',
      'path /products/shoe',
    ]);
    const frGone = change('delete', [snap({ slug: 'chaussure' }, 'fr')], []);
    expect(values(plan({ changes: [frGone], rules: perLocale, targets }))).toEqual(['path /fr/produits', 'path /fr/produits/chaussure']);
  });

  it('sends layouts as layouts', () => {
    const header = { [ARTICLE]: rule([], [], undefined, ['/']) };
    const changes = [change('publish', [snap({})], [snap({})])];
    const plans = plan({ changes, rules: header, targets });
    expect(values(plans)).toEqual(['layout /']);
    expect(splitIntoBatches(plans[0], changes, 10)[0]).toMatchObject({ paths: [], tags: [], layouts: ['/'] });
  });

  it('folds the same path from several changes into one item', () => {
    const plans = plan({
      changes: [change('publish', [], [snap({ slug: 'a' })]), change('publish', [], [snap({ slug: 'a' })], 'd2')],
      rules: { [ARTICLE]: rule(['/blog/{slug}']) },
      targets,
    });
    expect(plans[0].items).toHaveLength(1);
    expect(plans[0].items[0].changes).toEqual([0, 1]);
  });

  it('sends a rule only to its targets, and nothing for types without a rule', () => {
    const plans = plan({
      changes: [change('publish', [], [snap({ slug: 'a' })]), { ...change('publish', [], [snap({ slug: 'z' })]), uid: 'api::other.other' }],
      rules: { [ARTICLE]: rule(['/blog/{slug}'], [], ['cdn']) },
      targets: ['web', 'cdn'],
    });
    expect(values(plans, 'web')).toEqual([]);
    expect(values(plans, 'cdn')).toEqual(['path /blog/a']);
  });
});

describe('batching', () => {
  const manyChanges = Array.from({ length: 5 }, (_, i) => change('publish', [], [snap({ slug: `s${i}` })], `d${i}`));
  const plans = plan({
    changes: manyChanges,
    rules: { [ARTICLE]: rule(['/blog/{slug}'], ['article:{documentId}']) },
    targets: ['web'],
  });

  it.each([
    [1, 10],
    [3, 4],
    [10, 1],
    [100, 1],
  ])('batchSize %i → %i batches, none larger, every item once', (size, count) => {
    const batches = splitIntoBatches(plans[0], manyChanges, size);
    expect(batches).toHaveLength(count);
    for (const b of batches) expect(b.paths.length + b.tags.length + b.layouts.length).toBeLessThanOrEqual(size);
    expect(batches.flatMap((b) => b.paths).sort()).toEqual(['/blog/s0', '/blog/s1', '/blog/s2', '/blog/s3', '/blog/s4']);
    expect(batches.flatMap((b) => b.tags)).toHaveLength(5);
  });

  it('puts paths first and carries only the events of its own items', () => {
    const [first, second] = splitIntoBatches(plans[0], manyChanges, 5);
    expect(first.paths).toHaveLength(5);
    expect(first.tags).toEqual([]);
    expect(first.events.map((e) => e.documentId)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(second.tags).toEqual(['article:d0', 'article:d1', 'article:d2', 'article:d3', 'article:d4']);
    expect(first.reasons['path:/blog/s0']).toEqual([`own page of ${ARTICLE} d0`]);
  });

  it('rejects a batch size below 1', () => {
    expect(() => splitIntoBatches(plans[0], manyChanges, 0)).toThrow(/batchSize/);
  });

  it('makes one event per locale of a change', () => {
    expect(changeEvents(change('delete', [snap({}, 'en'), snap({}, 'fr')], []))).toEqual([
      { uid: ARTICLE, documentId: 'd1', locale: 'en', action: 'delete' },
      { uid: ARTICLE, documentId: 'd1', locale: 'fr', action: 'delete' },
    ]);
    expect(changeEvents(change('create', [], []))[0].locale).toBeNull();
  });
});
