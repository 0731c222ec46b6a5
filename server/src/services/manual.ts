/**
 * Revalidation that does not come from a write: the admin's preview (what would a change of this
 * entry revalidate, and why) and the external trigger (systems outside Strapi). Both go through
 * the same planning as delivery.
 */
import type { Core } from '@strapi/strapi';

import { splitIntoBatches, type BatchContent } from '../domain/batching';
import { hasDraftAndPublish } from '../domain/schema';
import type { Change, ChangeAction, ChangeActor, TargetPlan } from '../domain/types';
import { getService } from './get-service';

export type PreviewAction = 'publish' | 'update' | 'unpublish' | 'delete';

export interface PreviewItem {
  value: string;
  reasons: string[];
}

export interface TargetPreview {
  target: string;
  paths: PreviewItem[];
  tags: PreviewItem[];
  layouts: PreviewItem[];
  skipped: string[];
}

/** Merges a target's batches back into one list per kind, with reasons. */
export function summarize(contents: BatchContent[]): TargetPreview[] {
  const byTarget = new Map<string, TargetPreview>();
  for (const c of contents) {
    if (!byTarget.has(c.target)) byTarget.set(c.target, { target: c.target, paths: [], tags: [], layouts: [], skipped: [] });
    const t = byTarget.get(c.target)!;
    for (const [kind, list] of [['path', c.paths], ['tag', c.tags], ['layout', c.layouts]] as const) {
      for (const value of list) t[`${kind}s`].push({ value, reasons: c.reasons[`${kind}:${value}`] ?? [] });
    }
    t.skipped.push(...c.skipped);
  }
  return [...byTarget.values()];
}

export const createManualService = ({ strapi }: { strapi: Core.Strapi }) => {
  const trigger = () => getService(strapi, 'trigger');

  /**
   * The change an action on this entry would make, from the database as it is now: the
   * published state before, and after a publish/update the draft's state (what becomes public).
   */
  const hypotheticalChange = async (uid: string, documentId: string, locale: string | undefined, action: PreviewAction): Promise<Change> => {
    const scope = await trigger().localeScope(uid, locale);
    const before = await trigger().snapshot(uid, documentId, scope);
    let after = before;
    if (action === 'unpublish' || action === 'delete') after = [];
    else if (hasDraftAndPublish(strapi.contentType(uid as any) as any)) {
      const drafts = await trigger().snapshot(uid, documentId, scope, 'draft');
      if (drafts.length > 0) after = drafts;
    }
    return { uid, documentId, action, before, after };
  };

  return {
    async preview(uid: string, documentId: string, locale: string | undefined, action: PreviewAction) {
      const change = await hypotheticalChange(uid, documentId, locale, action);
      const exists = change.before.length > 0 || change.after.length > 0;
      return { exists, targets: summarize(await getService(strapi, 'planning').plan([change])) };
    },

    /** An entry changed outside Strapi: plan it like a write of its current published state. */
    async triggerEntry(uid: string, documentId: string, locale: string | undefined, actor: ChangeActor | null) {
      const scope = await trigger().localeScope(uid, locale);
      const current = await trigger().snapshot(uid, documentId, scope);
      if (current.length === 0) return false;
      const change: Change = { uid, documentId, action: 'update' as ChangeAction, before: current, after: current, actor };
      await getService(strapi, 'outbox').recordChange(change);
      getService(strapi, 'worker').notify();
      return true;
    },

    /** Explicit paths, tags and layouts: one batch per target (split by its batch size). */
    async triggerItems(
      items: { paths: string[]; tags: string[]; layouts: string[] },
      targetNames: string[] | undefined,
      reason: string
    ) {
      const settings = getService(strapi, 'settings');
      const targets = settings.enabledTargets().filter((t) => !targetNames || targetNames.includes(t.name));
      // Explicit items are a plan with no change behind them: batched like any other.
      const contents: BatchContent[] = targets.flatMap((target) => {
        const plan: TargetPlan = {
          target: target.name,
          items: [
            ...items.paths.map((value) => ({ kind: 'path' as const, value, reasons: [reason], changes: [] })),
            ...items.tags.map((value) => ({ kind: 'tag' as const, value, reasons: [reason], changes: [] })),
            ...items.layouts.map((value) => ({ kind: 'layout' as const, value, reasons: [reason], changes: [] })),
          ],
          skipped: [],
        };
        return splitIntoBatches(plan, [], target.batchSize);
      });
      await getService(strapi, 'outbox').enqueue(contents, new Date());
      getService(strapi, 'worker').notify();
      return { targets: targets.map((t) => t.name), batches: contents.length };
    },
  };
};

export type ManualService = ReturnType<typeof createManualService>;
