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
import { fieldPaths, parsePattern } from '../domain/patterns';
import type { CompiledRule } from '../domain/planner';
import { populateFor, type Populate, type Schemas } from '../domain/schema';
import { PLUGIN_ID } from '../plugin-id';

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
  debounceMs: number;
  maxWaitMs: number;
  retryAttempts: number;
  retentionDays: number;
}

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
        paths: rule.paths.map(parsePattern),
        tags: (rule.tags ?? []).map(parsePattern),
        targets: rule.targets,
      },
    ])
  ),
  debounceMs: config.debounceMs,
  maxWaitMs: config.maxWaitMs,
  retryAttempts: config.retry.attempts,
  retentionDays: config.log.retentionDays,
});

export const createSettingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let cached: Settings | undefined;
  const populates = new Map<string, Populate>();

  const get = (): Settings => {
    if (!cached) {
      const config = { ...defaultConfig(), ...(strapi.config.get(`plugin::${PLUGIN_ID}`) as Partial<PluginConfig>) };
      cached = compile(config as PluginConfig);
    }
    return cached;
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

    /** Content types whose writes the trigger records. The plugin's own types never are. */
    isTracked(uid: string): boolean {
      return !uid.startsWith(`plugin::${PLUGIN_ID}.`) && Boolean(get().rules[uid]);
    },

    /** What a snapshot of `uid` must populate for its rule's patterns. */
    populateFor(uid: string): Populate {
      let populate = populates.get(uid);
      if (!populate) {
        const rule = get().rules[uid];
        const paths = rule ? [...rule.paths, ...rule.tags].flatMap(fieldPaths) : [];
        populate = populateFor(uid, paths, strapi as unknown as Schemas);
        populates.set(uid, populate);
      }
      return populate;
    },
  };
};

export type SettingsService = ReturnType<typeof createSettingsService>;
