/**
 * The health of each target as the worker sees it: a circuit breaker per target (in memory, per
 * process: each instance judges for itself) and targets that answered 410 Gone, disabled until
 * someone re-enables them (in the plugin store, so every instance and every restart agrees).
 * Batches of a disabled target or an open circuit wait in the outbox; nothing is dropped.
 */
import type { Core } from '@strapi/strapi';

import {
  abandonProbe,
  admits,
  circuitState,
  closedCircuit,
  recordAnswer,
  recordFailure,
  startProbe,
  type Circuit,
} from '../domain/circuit';
import type { Outcome } from '../domain/outcome';
import { PLUGIN_ID } from '../plugin-id';
import { getService } from './get-service';

/** Why a target was disabled by its receiver. */
export interface GoneMark {
  at: string;
  batchId: string;
  error: string;
}

const STORE_KEY = 'gone-targets';
/**
 * How often the disabled targets are re-read. The worker ticks after every finished request:
 * a store read each time would sit on the hot path. Another instance's 410 is seen this late.
 */
const REFRESH_EVERY_MS = 5_000;

export const createTargetsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const circuits = new Map<string, Circuit>();
  let gone: Record<string, GoneMark> = {};
  let refreshedAt = -Infinity;

  const policy = () => getService(strapi, 'settings').get().circuit;
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  const circuit = (name: string) => circuits.get(name) ?? closedCircuit(policy());

  const readGone = async (): Promise<Record<string, GoneMark>> => {
    const value = await store().get({ key: STORE_KEY });
    return value && typeof value === 'object' ? (value as Record<string, GoneMark>) : {};
  };

  return {
    /** Re-reads the disabled targets (another instance may have disabled or re-enabled one). */
    async refresh(now: number) {
      if (now - refreshedAt < REFRESH_EVERY_MS) return;
      gone = await readGone();
      refreshedAt = now;
    },

    isGone(name: string): boolean {
      return name in gone;
    },

    /**
     * How many of `wanted` requests may start for `name` now. Call `probing` once they are
     * claimed: a half-open circuit then waits for that one probe.
     */
    admits(name: string, now: number, wanted: number): number {
      return admits(circuit(name), now, wanted);
    },

    probing(name: string, now: number) {
      circuits.set(name, startProbe(circuit(name), now));
    },

    /** When an open circuit allows its next probe (undefined when closed or already probing). */
    reopensAt(name: string, now: number): number | undefined {
      const c = circuit(name);
      return circuitState(c, now) === 'open' ? c.openUntil : undefined;
    },

    /** Feeds an attempt's outcome to the circuit; returns true when it made the circuit open. */
    record(name: string, outcome: Outcome, now: number): boolean {
      const before = circuit(name);
      const after = outcome.kind === 'retry' ? recordFailure(before, now, policy()) : recordAnswer(before, policy());
      circuits.set(name, after);
      return after.openUntil !== undefined && after.openUntil !== before.openUntil;
    },

    /** An attempt ended without an answer (shutdown, lease lost). */
    abandon(name: string) {
      circuits.set(name, abandonProbe(circuit(name)));
    },

    /** The receiver answered 410 Gone: no request goes to `name` until it is re-enabled. */
    async markGone(name: string, mark: GoneMark) {
      await strapi.db.transaction(async () => {
        const current = await readGone();
        await store().set({ key: STORE_KEY, value: { ...current, [name]: mark } });
      });
      gone = { ...gone, [name]: mark };
    },

    /** Re-enables a target a 410 disabled, and closes its circuit. Returns false if it was not. */
    async enable(name: string): Promise<boolean> {
      const wasGone = await strapi.db.transaction(async () => {
        const current = await readGone();
        if (!(name in current)) return false;
        const { [name]: _removed, ...rest } = current;
        await store().set({ key: STORE_KEY, value: rest });
        return true;
      });
      const { [name]: _local, ...others } = gone;
      gone = others;
      circuits.delete(name);
      return wasGone;
    },

    /** Every configured target as the admin shows it; never the secret. */
    async status(now: number) {
      gone = await readGone();
      return getService(strapi, 'settings')
        .get()
        .targets.map((t) => {
          const c = circuit(t.name);
          const state = circuitState(c, now);
          return {
            name: t.name,
            preset: t.preset,
            url: t.url,
            enabled: t.enabled,
            disabledByReceiver: gone[t.name] ?? null,
            circuit: {
              state,
              consecutiveFailures: c.failures,
              probeAt: state === 'open' && c.openUntil !== undefined ? new Date(c.openUntil).toISOString() : null,
            },
          };
        });
    },
  };
};

export type TargetsService = ReturnType<typeof createTargetsService>;
