/**
 * Planning glue: changes → dependents (graph walk, batched lookups) → loaded dependents → the
 * pure planner → request-sized batches per target. Used by the outbox and by the preview, so
 * what the preview shows is what is delivered.
 */
import type { Core } from '@strapi/strapi';

import { splitIntoBatches, type BatchContent } from '../domain/batching';
import { findDependents } from '../domain/dependents';
import { plan, type LoadedDependent } from '../domain/planner';
import type { Change } from '../domain/types';
import { project } from './trigger';
import { LOG_PREFIX } from '../plugin-id';
import { getService } from './get-service';

export const createPlanningService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async plan(changes: Change[]): Promise<BatchContent[]> {
    const settings = getService(strapi, 'settings');
    const graphs = getService(strapi, 'graph');
    const config = settings.get();
    const { dependents, collapsed } = await findDependents(changes, graphs.graph(), graphs.options(config.graph), graphs.port);

    // Load each dependent type's entries once, with what its rule's patterns read.
    const loaded: LoadedDependent[] = [];
    const byUid = new Map<string, typeof dependents>();
    for (const d of dependents) {
      if (!config.rules[d.uid]) continue; // carries dependencies, has no pages of its own
      if (!byUid.has(d.uid)) byUid.set(d.uid, []);
      byUid.get(d.uid)!.push(d);
    }
    for (const [uid, list] of byUid) {
      // Lookups usually loaded the fields already; load the rest in one batch.
      const missing = list.filter((d) => !d.entry);
      const rows = new Map<string, unknown>();
      if (missing.length) {
        const { paths } = settings.ruleSpec(uid);
        for (const row of await graphs.load(uid, missing)) {
          rows.set(`${row.documentId}\u0000${row.locale ?? null}`, project(row, paths));
        }
      }
      for (const d of list) {
        const entry = d.entry ?? rows.get(`${d.documentId}\u0000${d.locale}`) ?? rows.get(`${d.documentId}\u0000null`);
        if (entry) loaded.push({ ...d, entry: entry as Record<string, unknown> });
      }
    }
    for (const c of collapsed) {
      strapi.log.info(`${LOG_PREFIX} ${c.count} entries of ${c.uid} show a change via ${c.edge}: over graph.fanOutCap, revalidating ${c.uid}:list instead`);
    }

    const targets = settings.enabledTargets();
    const plans = plan({ changes, rules: config.rules, targets: targets.map((t) => t.name), dependents: loaded, collapsed });
    return plans.flatMap((p) => {
      if (p.skipped.length) strapi.log.warn(`${LOG_PREFIX} ${p.target}: skipped ${p.skipped.join('; ')}`);
      const size = targets.find((t) => t.name === p.target)!.batchSize;
      return splitIntoBatches(p, changes, size);
    });
  },
});

export type PlanningService = ReturnType<typeof createPlanningService>;
