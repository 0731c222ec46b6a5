/**
 * When to try a failed delivery again. Pure: the caller passes the random source, so tests and
 * the bench get repeatable schedules.
 */

/** Milliseconds; a distinct name so a delay is never mixed up with a timestamp in seconds. */
export type Milliseconds = number;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Base delay before retry n (n = 1 after the first failure): about 1 s, 5 s, 30 s, then 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h…, close to what Standard Webhooks senders use.
 */
export const RETRY_SCHEDULE: readonly Milliseconds[] = [
  1 * SECOND,
  5 * SECOND,
  30 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
];

/** ± share of the base delay added at random, so retries of many batches do not arrive together. */
export const JITTER = 0.2;

/** Longest Retry-After honoured; a larger one is capped here rather than parking the batch. */
export const MAX_RETRY_AFTER: Milliseconds = 24 * HOUR;

/** Base delay for retry n (1-based); the last entry repeats. */
export function baseDelay(retry: number): Milliseconds {
  const index = Math.min(Math.max(retry, 1), RETRY_SCHEDULE.length) - 1;
  return RETRY_SCHEDULE[index];
}

/**
 * Delay before retry n with jitter, never shorter than what the receiver asked for in Retry-After.
 * @param random a number in [0, 1); Math.random in production
 */
export function retryDelay(retry: number, random: number, retryAfter?: Milliseconds): Milliseconds {
  const base = baseDelay(retry);
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random));
  if (retryAfter === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfter, MAX_RETRY_AFTER));
}

/**
 * Parses a Retry-After header: delta seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined | null, now: Date): Milliseconds | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * SECOND;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
