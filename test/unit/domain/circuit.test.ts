import {
  abandonProbe,
  admits,
  circuitState,
  closedCircuit,
  MAX_COOLDOWN_FACTOR,
  recordAnswer,
  recordFailure,
  startProbe,
  type Circuit,
} from '../../../server/src/domain/circuit';

const policy = { failures: 3, cooldownMs: 1000 };

/** Applies a list of steps at times, then returns the circuit. */
type Step = ['fail' | 'answer' | 'probe' | 'abandon', number];
const run = (steps: Step[]) =>
  steps.reduce<Circuit>((c, [step, at]) => {
    if (step === 'fail') return recordFailure(c, at, policy);
    if (step === 'answer') return recordAnswer(c, policy);
    if (step === 'probe') return startProbe(c, at);
    return abandonProbe(c);
  }, closedCircuit(policy));

describe('circuit breaker', () => {
  it.each<[string, Step[], number, ReturnType<typeof circuitState>, number]>([
    // name, steps, now, expected state, requests admitted out of 4
    ['starts closed', [], 0, 'closed', 4],
    ['stays closed below the threshold', [['fail', 0], ['fail', 1]], 2, 'closed', 4],
    ['an answer resets the count', [['fail', 0], ['fail', 1], ['answer', 2], ['fail', 3]], 4, 'closed', 4],
    ['opens at the threshold', [['fail', 0], ['fail', 1], ['fail', 2]], 3, 'open', 0],
    ['stays open for the cooldown', [['fail', 0], ['fail', 1], ['fail', 2]], 1001, 'open', 0],
    ['half-open after the cooldown: one probe', [['fail', 0], ['fail', 1], ['fail', 2]], 1002, 'half-open', 1],
    ['nothing else while the probe is out', [['fail', 0], ['fail', 1], ['fail', 2], ['probe', 1002]], 1003, 'half-open', 0],
    ['a failed probe reopens for twice as long', [['fail', 0], ['fail', 1], ['fail', 2], ['probe', 1002], ['fail', 1010]], 3009, 'open', 0],
    ['… and then probes again', [['fail', 0], ['fail', 1], ['fail', 2], ['probe', 1002], ['fail', 1010]], 3010, 'half-open', 1],
    ['a successful probe closes it', [['fail', 0], ['fail', 1], ['fail', 2], ['probe', 1002], ['answer', 1010]], 1011, 'closed', 4],
    ['an abandoned probe lets another go', [['fail', 0], ['fail', 1], ['fail', 2], ['probe', 1002], ['abandon', 1005]], 1006, 'half-open', 1],
    ['late failures of requests in flight do not push the probe back', [['fail', 0], ['fail', 1], ['fail', 2], ['fail', 500]], 1002, 'half-open', 1],
    ['a probe cannot start while open', [['fail', 0], ['fail', 1], ['fail', 2], ['probe', 10]], 1002, 'half-open', 1],
  ])('%s', (_, steps, now, state, admitted) => {
    const circuit = run(steps);
    expect(circuitState(circuit, now)).toBe(state);
    expect(admits(circuit, now, 4)).toBe(admitted);
  });

  it(`caps the pause at ${MAX_COOLDOWN_FACTOR}× the cooldown`, () => {
    let circuit = run([['fail', 0], ['fail', 0], ['fail', 0]]);
    let now = 0;
    for (let i = 0; i < 10; i++) {
      now = circuit.openUntil!;
      circuit = recordFailure(startProbe(circuit, now), now, policy);
    }
    expect(circuit.cooldownMs).toBe(policy.cooldownMs * MAX_COOLDOWN_FACTOR);
    expect(circuit.openUntil! - now).toBe(policy.cooldownMs * MAX_COOLDOWN_FACTOR);
  });
});
