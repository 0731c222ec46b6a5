/**
 * Turns a target's plan into request-sized batches: items deduplicated by the planner are split
 * so no batch holds more than `batchSize` paths + tags + layouts, paths first.
 */
import type { Change, ChangeEvent, ItemKind, TargetPlan } from './types';

export interface BatchContent {
  target: string;
  paths: string[];
  tags: string[];
  layouts: string[];
  /** The changes this batch carries (one per change and locale). */
  events: ChangeEvent[];
  /** `<kind>:<value>` → why. */
  reasons: Record<string, string[]>;
  /** What could not be planned, and why; carried on the first batch of a target. */
  skipped: string[];
}

const ORDER: ItemKind[] = ['path', 'tag', 'layout'];

/** The events a change stands for: one per locale it touched (null for non-localized types). */
export function changeEvents(change: Change): ChangeEvent[] {
  const locales = new Set<string | null>();
  for (const s of [...change.before, ...change.after]) locales.add(s.locale);
  if (locales.size === 0) locales.add(null);
  return [...locales].map((locale) => ({
    uid: change.uid,
    documentId: change.documentId,
    locale,
    action: change.action,
    ...(change.actor ? { actor: change.actor } : {}),
  }));
}

export function splitIntoBatches(plan: TargetPlan, changes: Change[], batchSize: number): BatchContent[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');
  const items = [...plan.items].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  const batches: BatchContent[] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    const slice = items.slice(start, start + batchSize);
    const changeIndexes = [...new Set(slice.flatMap((i) => i.changes))].sort((a, b) => a - b);
    batches.push({
      target: plan.target,
      paths: slice.filter((i) => i.kind === 'path').map((i) => i.value),
      tags: slice.filter((i) => i.kind === 'tag').map((i) => i.value),
      layouts: slice.filter((i) => i.kind === 'layout').map((i) => i.value),
      events: changeIndexes.flatMap((i) => changeEvents(changes[i])),
      reasons: Object.fromEntries(slice.map((i) => [`${i.kind}:${i.value}`, i.reasons])),
      skipped: batches.length === 0 ? plan.skipped : [],
    });
  }
  return batches;
}
