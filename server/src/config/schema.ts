/**
 * The plugin's configuration (`config/plugins` → revalidation.config): types, defaults and a
 * synchronous structural check. Strapi does not await the validator, and the app's content types
 * are not loaded yet when it runs, so uids and fields are checked at bootstrap (rules-check.ts).
 */
import { parsePattern } from '../domain/patterns';

export const PRESETS = ['webhook', 'nextjs'] as const;
export type PresetName = (typeof PRESETS)[number];

export interface TargetConfig {
  /** Unique name, used in rules, logs and the admin. */
  name: string;
  preset: PresetName;
  /** Where requests go (http or https). */
  url: string;
  /** Signing secret: `whsec_<base64>` (Standard Webhooks) or any string, used as UTF-8 bytes. */
  secret: string;
  /** Preset options. webhook / nextjs: `headers` added to every request. */
  options?: { headers?: Record<string, string> };
  /** Most paths + tags + layouts in one request. @default 100 */
  batchSize?: number;
  /** Per-request timeout. @default 10000 */
  timeoutMs?: number;
  /** @default true */
  enabled?: boolean;
}

/** A pattern, or one pattern per locale: `{ en: '/products/{slug}', fr: '/fr/produits/{slug}' }`. */
export type PatternEntry = string | Record<string, string>;

export interface RuleConfig {
  /** Path patterns: `/blog/{slug}`; a plain path (`/blog`) is a list page. @default [] */
  paths?: PatternEntry[];
  /** Tag patterns. @default ['{uid}:{documentId}', '{uid}:list'] */
  tags?: PatternEntry[];
  /** Paths under which everything is revalidated (global content such as a header): `['/']`. */
  layouts?: PatternEntry[];
  /** Names of the targets this rule goes to. @default every target */
  targets?: string[];
}

export interface PluginConfig {
  targets: TargetConfig[];
  rules: Record<string, RuleConfig>;
  graph: { maxDepth?: number; disabledEdges?: string[]; fanOutCap?: number };
  /** Quiet period after the last change before batches are made. @default 500 */
  debounceMs: number;
  /** Longest a change waits while changes keep coming. @default 5000 */
  maxWaitMs: number;
  /**
   * attempts: most attempts of a batch; maxAgeHours: a batch not delivered this long after it was
   * queued is dead (a retry that would fall later is not scheduled).
   */
  retry: { attempts: number; maxAgeHours: number };
  /**
   * Per target: after `failures` consecutive failed attempts the target's circuit opens: no
   * request for `cooldownMs`, then one probe; a failed probe doubles the pause (up to 16×).
   */
  circuit: { failures: number; cooldownMs: number };
  network: { allow: string[] };
  log: { retentionDays: number };
}

/** Array defaults stay empty: Strapi merges config with lodash defaultsDeep, index by index. */
export const defaultConfig = (): PluginConfig => ({
  targets: [],
  rules: {},
  graph: {},
  debounceMs: 500,
  maxWaitMs: 5000,
  retry: { attempts: 10, maxAgeHours: 72 },
  circuit: { failures: 5, cooldownMs: 30_000 },
  network: { allow: [] },
  log: { retentionDays: 30 },
});

export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A configuration error; the message starts with the key path at fault. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    problem: string
  ) {
    super(`revalidation config: ${key}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function onlyKeys(value: Record<string, unknown>, key: string, allowed: string[]) {
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) {
      throw new ConfigError(key ? `${key}.${k}` : k, `unknown key (allowed: ${allowed.join(', ')})`);
    }
  }
}

function object(value: unknown, key: string, allowed: string[]): Record<string, unknown> {
  if (!isObject(value)) throw new ConfigError(key, `must be an object, got ${show(value)}`);
  onlyKeys(value, key, allowed);
  return value;
}

function integer(value: unknown, key: string, min: number, max: number) {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new ConfigError(key, `must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
}

function stringArray(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(key, `must be an array of strings, got ${show(value)}`);
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v.length === 0) {
      throw new ConfigError(`${key}[${i}]`, `must be a non-empty string, got ${show(v)}`);
    }
  });
  return value as string[];
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const UID = /^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/;

function checkTarget(value: unknown, key: string) {
  const t = object(value, key, ['name', 'preset', 'url', 'secret', 'options', 'batchSize', 'timeoutMs', 'enabled']);
  if (typeof t.name !== 'string' || !TARGET_NAME.test(t.name)) {
    throw new ConfigError(`${key}.name`, `must be 1-64 letters, digits, ".", "_" or "-", got ${show(t.name)}`);
  }
  if (!PRESETS.includes(t.preset as PresetName)) {
    throw new ConfigError(`${key}.preset`, `must be one of ${PRESETS.join(', ')}, got ${show(t.preset)}`);
  }
  let url: URL | undefined;
  try {
    url = typeof t.url === 'string' ? new URL(t.url) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new ConfigError(`${key}.url`, `must be an http(s) URL, got ${show(t.url)}`);
  }
  if (typeof t.secret !== 'string' || t.secret.length === 0) {
    throw new ConfigError(`${key}.secret`, 'is required (a whsec_… secret or any string; use env() to keep it out of code)');
  }
  if (t.secret.startsWith('whsec_') && Buffer.from(t.secret.slice(6), 'base64').length < 16) {
    throw new ConfigError(`${key}.secret`, 'a whsec_ secret must hold at least 16 bytes of base64');
  }
  if (t.options !== undefined) {
    const options = object(t.options, `${key}.options`, ['headers']);
    if (options.headers !== undefined) {
      if (!isObject(options.headers)) {
        throw new ConfigError(`${key}.options.headers`, `must be an object, got ${show(options.headers)}`);
      }
      for (const [name, v] of Object.entries(options.headers)) {
        if (!HEADER_NAME.test(name)) throw new ConfigError(`${key}.options.headers`, `"${name}" is not a valid header name`);
        // A value read with env() often ends in a newline: Node would refuse every request.
        if (typeof v !== 'string' || /[\r\n\0]/.test(v)) {
          throw new ConfigError(`${key}.options.headers.${name}`, 'must be a string without line breaks');
        }
      }
    }
  }
  integer(t.batchSize, `${key}.batchSize`, 1, 1000);
  integer(t.timeoutMs, `${key}.timeoutMs`, 100, 120_000);
  if (t.enabled !== undefined && typeof t.enabled !== 'boolean') {
    throw new ConfigError(`${key}.enabled`, `must be true or false, got ${show(t.enabled)}`);
  }
  return t.name;
}

const LOCALE = /^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$/;

function checkPattern(source: unknown, key: string, kind: 'path' | 'tag') {
  if (typeof source !== 'string') throw new ConfigError(key, `must be a pattern string, got ${show(source)}`);
  try {
    parsePattern(source);
  } catch (error) {
    throw new ConfigError(key, (error as Error).message);
  }
  if (kind === 'path' && !source.startsWith('/')) {
    throw new ConfigError(key, `a path must start with "/", got ${show(source)}`);
  }
}

function checkPatterns(value: unknown, key: string, kind: 'path' | 'tag') {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new ConfigError(key, `must be an array of patterns, got ${show(value)}`);
  value.forEach((entry, i) => {
    if (isObject(entry)) {
      if (Object.keys(entry).length === 0) throw new ConfigError(`${key}[${i}]`, 'names no locale');
      for (const [locale, source] of Object.entries(entry)) {
        if (!LOCALE.test(locale)) throw new ConfigError(`${key}[${i}]`, `"${locale}" is not a locale code`);
        checkPattern(source, `${key}[${i}].${locale}`, kind);
      }
    } else {
      checkPattern(entry, `${key}[${i}]`, kind);
    }
  });
}

/** Throws a ConfigError naming the first key at fault; returns nothing. */
export function validateConfig(config: unknown): void {
  const c = object(config, '', [
    'targets',
    'rules',
    'graph',
    'debounceMs',
    'maxWaitMs',
    'retry',
    'circuit',
    'network',
    'log',
  ]);
  if (!Array.isArray(c.targets)) throw new ConfigError('targets', `must be an array, got ${show(c.targets)}`);
  const names = new Set<string>();
  c.targets.forEach((t, i) => {
    const name = checkTarget(t, `targets[${i}]`);
    if (names.has(name)) throw new ConfigError(`targets[${i}].name`, `"${name}" is used by another target`);
    names.add(name);
  });

  const rules = object(c.rules, 'rules', Object.keys(isObject(c.rules) ? c.rules : {}));
  for (const [uid, raw] of Object.entries(rules)) {
    const key = `rules["${uid}"]`;
    if (!UID.test(uid)) throw new ConfigError(key, 'must be a content-type uid such as "api::article.article"');
    const rule = object(raw, key, ['paths', 'tags', 'layouts', 'targets']);
    checkPatterns(rule.paths, `${key}.paths`, 'path');
    checkPatterns(rule.tags, `${key}.tags`, 'tag');
    checkPatterns(rule.layouts, `${key}.layouts`, 'path');
    stringArray(rule.targets, `${key}.targets`).forEach((name, i) => {
      if (!names.has(name)) {
        throw new ConfigError(`${key}.targets[${i}]`, `no target is named "${name}" (targets: ${[...names].join(', ') || 'none'})`);
      }
    });
  }

  const graph = object(c.graph, 'graph', ['maxDepth', 'disabledEdges', 'fanOutCap']);
  integer(graph.maxDepth, 'graph.maxDepth', 0, 5);
  stringArray(graph.disabledEdges, 'graph.disabledEdges');
  integer(graph.fanOutCap, 'graph.fanOutCap', 1, 1_000_000);

  integer(c.debounceMs, 'debounceMs', 0, 60_000);
  integer(c.maxWaitMs, 'maxWaitMs', 0, 600_000);
  if ((c.maxWaitMs as number) < (c.debounceMs as number)) {
    throw new ConfigError('maxWaitMs', `must be at least debounceMs (${c.debounceMs}), got ${c.maxWaitMs}`);
  }
  const retry = object(c.retry, 'retry', ['attempts', 'maxAgeHours']);
  integer(retry.attempts, 'retry.attempts', 1, 50);
  integer(retry.maxAgeHours, 'retry.maxAgeHours', 1, 24 * 365);
  const circuit = object(c.circuit, 'circuit', ['failures', 'cooldownMs']);
  integer(circuit.failures, 'circuit.failures', 1, 1000);
  integer(circuit.cooldownMs, 'circuit.cooldownMs', 100, 3_600_000);
  const network = object(c.network, 'network', ['allow']);
  stringArray(network.allow, 'network.allow');
  const log = object(c.log, 'log', ['retentionDays']);
  integer(log.retentionDays, 'log.retentionDays', 1, 3650);
}
