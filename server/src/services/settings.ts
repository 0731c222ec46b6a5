/**
 * The one place the pipeline reads its settings from. Today they come from `config/plugins`;
 * the admin's database-backed settings will layer in here without the pipeline changing.
 */
import type { Core } from '@strapi/strapi';

import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_TIMEOUT_MS,
  defaultConfig,
  type PluginConfig,
  type PresetName,
} from '../config/schema';
import type { CircuitPolicy } from '../domain/circuit';
import { fieldPaths } from '../domain/patterns';
import { compilePatterns, type CompiledRule } from '../domain/planner';
import { readSpec, type Populate, type Schemas } from '../domain/schema';
import { PLUGIN_ID } from '../plugin-id';
import { getService } from './get-service';

/** The fields a snapshot keeps, and the columns and relations that load them. */
export interface SnapshotSpec {
  paths: string[][];
  select: string[];
  populate: Populate;
}

/** A target with every default applied. */
export interface Target {
  name: string;
  preset: PresetName;
  url: string;
  secret: string;
  headers: Record<string, string>;
  batchSize: number;
  timeoutMs: number;
  enabled: boolean;
}

export interface Settings {
  targets: Target[];
  rules: Record<string, CompiledRule>;
  graph: PluginConfig['graph'];
  debounceMs: number;
  maxWaitMs: number;
  retryAttempts: number;
  /** retry.maxAgeHours in milliseconds. */
  retryMaxAgeMs: number;
  circuit: CircuitPolicy;
  retentionDays: number;
}

/**
 * Tags of a rule that declares none: one per document and one per type, so App Router
 * frontends can tag their fetches `<uid>:<documentId>` and `<uid>:list`.
 */
export const DEFAULT_TAGS = ['{uid}:{documentId}', '{uid}:list'];

const compile = (config: PluginConfig): Settings => ({
  targets: config.targets.map((t) => ({
    name: t.name,
    preset: t.preset,
    url: t.url,
    secret: t.secret,
    headers: t.options?.headers ?? {},
    batchSize: t.batchSize ?? DEFAULT_BATCH_SIZE,
    timeoutMs: t.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    enabled: t.enabled ?? true,
  })),
  rules: Object.fromEntries(
    Object.entries(config.rules).map(([uid, rule]) => [
      uid,
      {
        uid,
        paths: compilePatterns(rule.paths ?? []),
        tags: compilePatterns(rule.tags ?? DEFAULT_TAGS),
        layouts: compilePatterns(rule.layouts ?? []),
        targets: rule.targets,
      },
    ])
  ),
  graph: config.graph ?? {},
  debounceMs: config.debounceMs,
  maxWaitMs: config.maxWaitMs,
  retryAttempts: config.retry.attempts,
  retryMaxAgeMs: config.retry.maxAgeHours * 3600 * 1000,
  circuit: { failures: config.circuit.failures, cooldownMs: config.circuit.cooldownMs },
  retentionDays: config.log.retentionDays,
});

export const createSettingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let cached: Settings | undefined;
  const specs = new Map<string, SnapshotSpec>();

  const get = (): Settings => {
    if (!cached) {
      const config = { ...defaultConfig(), ...(strapi.config.get(`plugin::${PLUGIN_ID}`) as Partial<PluginConfig>) };
      cached = compile(config as PluginConfig);
    }
    return cached;
  };

  let tracked: Set<string> | undefined;

  /**
   * Types whose changes can revalidate something: those with a rule, and those that pages of a
   * ruled type show within graph.maxDepth hops over enabled edges. Others (a users table related
   * to an unruled order type, say) are not snapshotted at all.
   */
  const reachingRules = (): Set<string> => {
    const settings = get();
    const graphService = getService(strapi, 'graph');
    const { maxDepth, disabledEdges } = graphService.options(settings.graph);
    const reached = new Set(Object.keys(settings.rules));
    let frontier = new Set(reached);
    for (let depth = 1; depth <= maxDepth && frontier.size > 0; depth++) {
      const next = new Set<string>();
      for (const edge of graphService.graph().edges) {
        if (disabledEdges.has(edge.id) || !frontier.has(edge.from) || reached.has(edge.to)) continue;
        reached.add(edge.to);
        next.add(edge.to);
      }
      frontier = next;
    }
    return reached;
  };

  const spec = (uid: string, withLinks: boolean): SnapshotSpec => {
    const key = `${withLinks}:${uid}`;
    let found = specs.get(key);
    if (!found) {
      const rule = get().rules[uid];
      const paths = rule ? [...rule.paths, ...rule.tags, ...rule.layouts].flatMap((rp) => fieldPaths(rp.pattern)) : [];
      if (withLinks) {
        for (const edge of getService(strapi, 'graph').graph().into.get(uid) ?? []) {
          if (edge.inverse) paths.push([edge.inverse, 'documentId']);
        }
      }
      found = { paths, ...readSpec(uid, paths, strapi as unknown as Schemas) };
      specs.set(key, found);
    }
    return found;
  };

  return {
    get,

    /** Enabled targets, in config order. */
    enabledTargets(): Target[] {
      return get().targets.filter((t) => t.enabled);
    },

    target(name: string): Target | undefined {
      return get().targets.find((t) => t.name === name);
    },

    /**
     * Content types whose writes the trigger records: those with a rule, and those other types'
     * pages show (graph edges into them). The plugin's own types never are.
     */
    isTracked(uid: string): boolean {
      if (uid.startsWith(`plugin::${PLUGIN_ID}.`)) return false;
      if (!tracked) tracked = reachingRules();
      return tracked.has(uid);
    },

    /**
     * What a snapshot of `uid` keeps: the fields its rule's patterns read, and the ids on the
     * inverse side of its bidirectional relations (the links before a write).
     */
    snapshotSpec(uid: string): SnapshotSpec {
      return spec(uid, true);
    },

    /** What expanding the rule of `uid` reads: its patterns' fields only (dependents' lookups). */
    ruleSpec(uid: string): SnapshotSpec {
      return spec(uid, false);
    },
  };
};

export type SettingsService = ReturnType<typeof createSettingsService>;
