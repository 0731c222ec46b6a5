/**
 * Route and tag patterns: `/blog/{slug}`, `/{locale}/authors/{author.slug}`, `article:{documentId}`.
 * Pure: parsing, the field paths a pattern needs (to snapshot them), and expansion over an entry.
 */

/** A placeholder's source: a (dotted) field path of the entry, or one of the built-ins. */
export type Placeholder =
  | { kind: 'field'; path: string[] }
  | { kind: 'locale' }
  | { kind: 'documentId' }
  | { kind: 'uid' };

export type Segment = { literal: string } | { placeholder: Placeholder; source: string };

export interface Pattern {
  source: string;
  segments: Segment[];
  /** True when the pattern has no placeholder: a list page, revalidated on any change of its type. */
  plain: boolean;
}

/** Thrown for a pattern that cannot be parsed; `message` names the problem and its position. */
export class PatternSyntaxError extends Error {
  constructor(pattern: string, problem: string) {
    super(`pattern "${pattern}": ${problem}`);
    this.name = 'PatternSyntaxError';
  }
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const BUILT_INS: Record<string, Placeholder> = {
  locale: { kind: 'locale' },
  documentId: { kind: 'documentId' },
  uid: { kind: 'uid' },
};

/** Parses a pattern; throws PatternSyntaxError on unbalanced or empty braces and bad field names. */
export function parsePattern(source: string): Pattern {
  if (typeof source !== 'string' || source.length === 0) {
    throw new PatternSyntaxError(String(source), 'must be a non-empty string');
  }
  const segments: Segment[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{', i);
    const close = source.indexOf('}', i);
    if (close !== -1 && (open === -1 || close < open)) {
      throw new PatternSyntaxError(source, `unexpected "}" at position ${close}`);
    }
    if (open === -1) {
      segments.push({ literal: source.slice(i) });
      break;
    }
    if (open > i) segments.push({ literal: source.slice(i, open) });
    const end = source.indexOf('}', open);
    if (end === -1) throw new PatternSyntaxError(source, `"{" at position ${open} is never closed`);
    const inner = source.slice(open + 1, end).trim();
    if (inner.includes('{')) {
      throw new PatternSyntaxError(source, `nested "{" at position ${source.indexOf('{', open + 1)}`);
    }
    if (!inner) throw new PatternSyntaxError(source, `empty placeholder at position ${open}`);
    segments.push({ placeholder: parsePlaceholder(source, inner), source: inner });
    i = end + 1;
  }
  return { source, segments, plain: segments.every((s) => 'literal' in s) };
}

function parsePlaceholder(pattern: string, inner: string): Placeholder {
  if (BUILT_INS[inner]) return BUILT_INS[inner];
  const path = inner.split('.');
  const bad = path.find((part) => !FIELD_NAME.test(part));
  if (bad !== undefined) {
    throw new PatternSyntaxError(pattern, `"{${inner}}" is not a field path (letters, digits, _ and -, dotted)`);
  }
  return { kind: 'field', path };
}

/** Every field path (dotted) a pattern reads, so a snapshot can load exactly those. */
export function fieldPaths(pattern: Pattern): string[][] {
  return pattern.segments.flatMap((s) =>
    'placeholder' in s && s.placeholder.kind === 'field' ? [s.placeholder.path] : []
  );
}

/** What an expansion is evaluated against: the entry (with relations/components populated). */
export interface ExpansionContext {
  uid: string;
  documentId: string;
  locale?: string | null;
  entry: Record<string, unknown>;
}

export interface Expansion {
  values: string[];
  /** Why some or all values could not be produced (a missing field drops the path). */
  dropped: string[];
}

export interface ExpandOptions {
  /** URL-encode each inserted value (paths: yes; tags: no). */
  encode: boolean;
  /** Upper bound on values from to-many expansion (their product), so one entry cannot explode. */
  maxValues?: number;
}

const DEFAULT_MAX_VALUES = 1000;

/** The values a dotted path yields in an entry: to-many relations and repeatable components fan out. */
export function readPath(entry: unknown, path: string[]): unknown[] {
  let current: unknown[] = [entry];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined) continue;
      const child = (value as Record<string, unknown>)[key];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(child);
    }
    current = next;
  }
  return current;
}

const isScalar = (v: unknown): v is string | number | boolean | bigint =>
  ['string', 'number', 'boolean', 'bigint'].includes(typeof v);

/**
 * Expands a pattern over one entry. A placeholder with no value (null, missing, empty string, or
 * an empty to-many relation) drops the path and says why: never `/blog/undefined`.
 */
export function expandPattern(pattern: Pattern, ctx: ExpansionContext, options: ExpandOptions): Expansion {
  const maxValues = options.maxValues ?? DEFAULT_MAX_VALUES;
  let partials: string[] = [''];
  for (const segment of pattern.segments) {
    if ('literal' in segment) {
      partials = partials.map((p) => p + segment.literal);
      continue;
    }
    const raw = placeholderValues(segment.placeholder, ctx);
    const values = raw.filter(isScalar).map(String).filter((v) => v.length > 0);
    if (values.length === 0) {
      const what = raw.length > 0 ? 'has no text value' : 'is empty';
      return { values: [], dropped: [`${pattern.source}: {${segment.source}} ${what}`] };
    }
    const unique = [...new Set(values)].map((v) => (options.encode ? encodeURIComponent(v) : v));
    if (partials.length * unique.length > maxValues) {
      return {
        values: [],
        dropped: [`${pattern.source}: more than ${maxValues} values from {${segment.source}}`],
      };
    }
    partials = partials.flatMap((p) => unique.map((v) => p + v));
  }
  return { values: [...new Set(partials)], dropped: [] };
}

function placeholderValues(placeholder: Placeholder, ctx: ExpansionContext): unknown[] {
  switch (placeholder.kind) {
    case 'locale':
      return ctx.locale ? [ctx.locale] : [];
    case 'documentId':
      return [ctx.documentId];
    case 'uid':
      return [ctx.uid];
    case 'field':
      return readPath(ctx.entry, placeholder.path);
  }
}
