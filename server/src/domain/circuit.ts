/**
 * A circuit breaker per target. Pure: the caller passes the clock. After `failures` consecutive
 * failed attempts the circuit opens and no request goes to the target for `cooldownMs`; then one
 * probe may go. A successful probe closes the circuit; a failed one opens it again for twice as
 * long (up to MAX_COOLDOWN_FACTOR × cooldownMs). Batches wait meanwhile: an open circuit spends
 * none of their attempts.
 */

export interface CircuitPolicy {
  /** Consecutive failures that open the circuit. */
  failures: number;
  cooldownMs: number;
}

export const MAX_COOLDOWN_FACTOR = 16;

export interface Circuit {
  /** Consecutive failed attempts (reset by any answer that is not a failure). */
  failures: number;
  /** Epoch ms until which the circuit stays open; undefined while closed. */
  openUntil?: number;
  /** The pause of the current (or last) opening. */
  cooldownMs: number;
  /** A probe is in flight: nothing else goes until it ends. */
  probing: boolean;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export const closedCircuit = (policy: CircuitPolicy): Circuit => ({
  failures: 0,
  cooldownMs: policy.cooldownMs,
  probing: false,
});

export function circuitState(circuit: Circuit, now: number): CircuitState {
  if (circuit.openUntil === undefined) return 'closed';
  return now < circuit.openUntil ? 'open' : 'half-open';
}

/**
 * How many requests may start now, given `wanted`: all of them while closed, none while open or
 * while a probe is out, one probe once the pause is over.
 */
export function admits(circuit: Circuit, now: number, wanted: number): number {
  const state = circuitState(circuit, now);
  if (state === 'closed') return wanted;
  if (state === 'open' || circuit.probing) return 0;
  return Math.min(1, wanted);
}

/** The caller starts the probe `admits` allowed. */
export function startProbe(circuit: Circuit, now: number): Circuit {
  return circuitState(circuit, now) === 'half-open' ? { ...circuit, probing: true } : circuit;
}

/** The target answered (2xx, or a 4xx that is the request's fault): the circuit closes. */
export function recordAnswer(_circuit: Circuit, policy: CircuitPolicy): Circuit {
  return closedCircuit(policy);
}

/** An attempt failed (network error, timeout, 408, 429, 5xx). */
export function recordFailure(circuit: Circuit, now: number, policy: CircuitPolicy): Circuit {
  const failures = circuit.failures + 1;
  if (circuit.probing) {
    const cooldownMs = Math.min(circuit.cooldownMs * 2, policy.cooldownMs * MAX_COOLDOWN_FACTOR);
    return { failures, cooldownMs, openUntil: now + cooldownMs, probing: false };
  }
  // Already open: requests that were in flight when it opened do not push the probe back.
  if (circuit.openUntil !== undefined) return { ...circuit, failures };
  if (failures >= policy.failures) {
    return { failures, cooldownMs: policy.cooldownMs, openUntil: now + policy.cooldownMs, probing: false };
  }
  return { ...circuit, failures };
}

/** The probe ended without an answer to judge (shutdown, lease lost): another may go. */
export function abandonProbe(circuit: Circuit): Circuit {
  return circuit.probing ? { ...circuit, probing: false } : circuit;
}
