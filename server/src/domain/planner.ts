/**
 * The planner: from changes and rules to what each target must revalidate, with reasons.
 * Pure — the trigger has already captured the before/after snapshots it needs.
 */
import { expandPattern, parsePattern, type Pattern } from './patterns';
import type { Change, EntrySnapshot, ItemKind, PlannedItem, TargetPlan } from './types';

/** A parsed pattern, limited to some locales when the rule gave per-locale patterns. */
export interface RulePattern {
  pattern: Pattern;
  /** Undefined: every locale (and entries without one). */
  locales?: string[];
}

/** A content type's rule with its patterns parsed. */
export interface CompiledRule {
  uid: string;
  paths: RulePattern[];
  tags: RulePattern[];
  /** "Everything under this path" (Next.js revalidatePath(p, 'layout')). */
  layouts: RulePattern[];
  /** Target names; undefined means every target. */
  targets?: string[];
}

/** Every pattern of a rule's list, per-locale entries (`{ en: '…', fr: '…' }`) expanded, parsed. */
export const compilePatterns = (entries: Array<string | Record<string, string>>): RulePattern[] =>
  entries.flatMap((entry) =>
    typeof entry === 'string'
      ? [{ pattern: parsePattern(entry) }]
      : Object.entries(entry).map(([locale, source]) => ({ pattern: parsePattern(source), locales: [locale] }))
  );

const GROUPS: Array<[ItemKind, 'paths' | 'tags' | 'layouts', boolean]> = [
  ['path', 'paths', true],
  ['tag', 'tags', false],
  ['layout', 'layouts', true],
];

const appliesTo = (rp: RulePattern, locale: string | null) =>
  !rp.locales || (locale !== null && rp.locales.includes(locale));

/** An entry whose pages show a changed entry (see dependents.ts), loaded with its rule's fields. */
export interface LoadedDependent {
  uid: string;
  documentId: string;
  locale: string | null;
  entry: Record<string, unknown>;
  reason: string;
  change: number;
}

/** A fan-out over the cap: the type's list tag and list pages instead of each entry. */
export interface CollapsedFanOut {
  uid: string;
  edge: string;
  count: number;
  change: number;
}

export interface PlannerInput {
  changes: Change[];
  rules: Record<string, CompiledRule>;
  /** Names of the enabled targets, in config order. */
  targets: string[];
  dependents?: LoadedDependent[];
  collapsed?: CollapsedFanOut[];
}

/** The list tag of a type in the default tag scheme. */
export const listTag = (uid: string) => `${uid}:list`;

const locales = (change: Change): Array<string | null> => {
  const seen = new Map<string, string | null>();
  for (const s of [...change.before, ...change.after]) seen.set(String(s.locale), s.locale);
  return [...seen.values()];
};

const inLocale = (snapshots: EntrySnapshot[], locale: string | null) =>
  snapshots.find((s) => s.locale === locale);

const describe = (change: Change, locale: string | null) =>
  `${change.uid} ${change.documentId}${locale ? ` (${locale})` : ''}`;

/** Reasons kept per item; a list page reached from 10,000 entries says so in one line. */
export const MAX_REASONS = 20;

interface ItemDraft {
  kind: ItemKind;
  value: string;
  reasons: Set<string>;
  changes: Set<number>;
}

/** Collects items per target, merging reasons and change indexes of equal items. */
class PlanBuilder {
  private readonly plans = new Map<string, { items: Map<string, ItemDraft>; skipped: string[] }>();

  constructor(targets: string[]) {
    for (const t of targets) this.plans.set(t, { items: new Map(), skipped: [] });
  }

  add(targets: string[], kind: ItemKind, value: string, reason: string, change: number) {
    for (const target of targets) {
      const plan = this.plans.get(target);
      if (!plan) continue;
      const key = `${kind}\u0000${value}`;
      let item = plan.items.get(key);
      if (!item) {
        item = { kind, value, reasons: new Set(), changes: new Set() };
        plan.items.set(key, item);
      }
      item.reasons.add(reason);
      item.changes.add(change);
    }
  }

  skip(targets: string[], note: string) {
    for (const target of targets) {
      const plan = this.plans.get(target);
      if (plan && !plan.skipped.includes(note)) plan.skipped.push(note);
    }
  }

  build(): TargetPlan[] {
    const finish = (item: ItemDraft): PlannedItem => {
      const reasons = [...item.reasons];
      const shown = reasons.length > MAX_REASONS ? [...reasons.slice(0, MAX_REASONS), `… and ${reasons.length - MAX_REASONS} more`] : reasons;
      return { kind: item.kind, value: item.value, reasons: shown, changes: [...item.changes] };
    };
    return [...this.plans.entries()]
      .map(([target, p]) => ({ target, items: [...p.items.values()].map(finish), skipped: p.skipped }))
      .filter((p) => p.items.length > 0 || p.skipped.length > 0);
  }
}

/**
 * Own-rule planning: for each change, the entry's pages and tags before and after the write.
 * A value present after is the entry's own page; one present only before is an old page (renamed,
 * unpublished or deleted) that must be revalidated so it stops showing stale content.
 */
export function plan(input: PlannerInput): TargetPlan[] {
  const builder = new PlanBuilder(input.targets);
  const targetsOf = (rule: CompiledRule) =>
    rule.targets ? input.targets.filter((t) => rule.targets!.includes(t)) : input.targets;

  input.changes.forEach((change, index) => {
    const rule = input.rules[change.uid];
    if (!rule) return;
    const targets = targetsOf(rule);
    if (targets.length === 0) return;
    const changeLocales = locales(change);

    for (const [kind, key, encode] of GROUPS) {
      for (const rp of rule[key]) {
        const { pattern } = rp;
        if (pattern.plain) {
          if (changeLocales.some((l) => appliesTo(rp, l))) {
            builder.add(targets, kind, pattern.source, `list page of ${change.uid} (${change.action})`, index);
          }
          continue;
        }
        for (const locale of changeLocales) {
          if (!appliesTo(rp, locale)) continue;
          const before = inLocale(change.before, locale);
          const after = inLocale(change.after, locale);
          const expand = (s: EntrySnapshot) =>
            expandPattern(pattern, { uid: change.uid, documentId: change.documentId, locale, entry: s.entry }, { encode });
          const afterValues = after ? expand(after) : undefined;
          const beforeValues = before ? expand(before) : undefined;
          const what = describe(change, locale);
          for (const value of afterValues?.values ?? []) {
            builder.add(targets, kind, value, `own ${kind === 'path' ? 'page' : kind} of ${what}`, index);
          }
          for (const value of beforeValues?.values ?? []) {
            if (afterValues?.values.includes(value)) continue;
            const why = after ? 'old value before the change' : `gone after ${change.action}`;
            builder.add(targets, kind, value, `${why}: ${what}`, index);
          }
          for (const note of [...(afterValues?.dropped ?? []), ...(beforeValues?.dropped ?? [])]) {
            builder.skip(targets, `${what}: ${note}`);
          }
        }
      }
    }
  });

  // Entries that show a changed entry: their rule in full, for their current (published) state.
  for (const dependent of input.dependents ?? []) {
    const rule = input.rules[dependent.uid];
    if (!rule) continue;
    const targets = targetsOf(rule);
    const what = describe({ uid: dependent.uid, documentId: dependent.documentId } as Change, dependent.locale);
    for (const [kind, key, encode] of GROUPS) {
      for (const rp of rule[key]) {
        if (!appliesTo(rp, dependent.locale)) continue;
        if (rp.pattern.plain) {
          builder.add(targets, kind, rp.pattern.source, `list page of ${dependent.uid}, which ${dependent.reason}`, dependent.change);
          continue;
        }
        const expansion = expandPattern(
          rp.pattern,
          { uid: dependent.uid, documentId: dependent.documentId, locale: dependent.locale, entry: dependent.entry },
          { encode }
        );
        for (const value of expansion.values) {
          builder.add(targets, kind, value, `${what} ${dependent.reason}`, dependent.change);
        }
        for (const note of expansion.dropped) builder.skip(targets, `${what}: ${note}`);
      }
    }
  }

  // Too many dependents through one edge: the type's list tag and list pages stand for them all.
  for (const c of input.collapsed ?? []) {
    const rule = input.rules[c.uid];
    const targets = rule ? targetsOf(rule) : input.targets;
    const reason = `${c.count} entries of ${c.uid} show the change via ${c.edge}: over the fan-out cap, collapsed`;
    builder.add(targets, 'tag', listTag(c.uid), reason, c.change);
    for (const rp of rule?.paths ?? []) {
      if (rp.pattern.plain) builder.add(targets, 'path', rp.pattern.source, reason, c.change);
    }
  }
  return builder.build();
}
