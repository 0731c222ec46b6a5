/** How one delivery attempt ended, decided from the HTTP status or the error alone. */
export type Outcome =
  | { kind: 'success' }
  /** Try again later (network error, timeout, 408, 429, 5xx); `retryAfter` if the receiver said. */
  | { kind: 'retry'; retryAfterMs?: number }
  /** Do not try again: the request itself is wrong for this receiver (other 4xx, 3xx). */
  | { kind: 'give-up' }
  /** 410 Gone: the receiver says it is gone for good; the target is disabled until re-enabled. */
  | { kind: 'gone' };

/** Classifies an HTTP response status. Redirects are not followed, so a 3xx is a failure. */
export function classifyStatus(status: number, retryAfterMs?: number): Outcome {
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 410) return { kind: 'gone' };
  if (status === 408 || status === 429 || status >= 500) {
    return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
  }
  return { kind: 'give-up' };
}
