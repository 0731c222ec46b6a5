import { baseDelay, parseRetryAfter, retryDelay } from '../../../server/src/domain/backoff';
import { classifyStatus } from '../../../server/src/domain/outcome';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('retry schedule', () => {
  it.each([
    [1, 1 * S],
    [2, 5 * S],
    [3, 30 * S],
    [4, 5 * M],
    [5, 30 * M],
    [6, 2 * H],
    [7, 5 * H],
    [8, 10 * H],
    [9, 10 * H],
    [20, 10 * H],
  ])('retry %i waits about %i ms', (retry, ms) => {
    expect(baseDelay(retry)).toBe(ms);
    expect(retryDelay(retry, 0.5)).toBe(ms);
  });

  it.each([
    [0, 0.8],
    [0.999999, 1.2],
  ])('jitter with random=%d stays within ±20%%', (random, factor) => {
    expect(retryDelay(3, random)).toBeCloseTo(30 * S * factor, -1);
  });

  it.each([
    [1, 0.5, 60 * S, 60 * S],
    [4, 0.5, 10 * S, 5 * M],
    [1, 0.5, 7 * 24 * H, 24 * H],
  ])('retry %i with Retry-After %i ms → %i ms (never earlier, capped at a day)', (retry, random, after, expected) => {
    expect(retryDelay(retry, random, after)).toBe(expected);
  });
});

describe('Retry-After', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  it.each([
    ['120', 120 * S],
    [' 0 ', 0],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30 * S],
    ['Sun, 22 Nov 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('response classification', () => {
  it.each([
    [200, 'success'],
    [204, 'success'],
    [301, 'give-up'],
    [400, 'give-up'],
    [401, 'give-up'],
    [404, 'give-up'],
    [408, 'retry'],
    [410, 'gone'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('%i → %s', (status, kind) => {
    expect(classifyStatus(status).kind).toBe(kind);
  });

  it('keeps the Retry-After of a retry', () => {
    expect(classifyStatus(429, 5000)).toEqual({ kind: 'retry', retryAfterMs: 5000 });
  });
});
