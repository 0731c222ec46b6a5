/**
 * Delivery: one HTTP attempt for one batch, through the target's preset. Never throws: every
 * ending (2xx, other status, timeout, refused connection) becomes an Outcome for the worker.
 */
import axios from 'axios';
import type { Core } from '@strapi/strapi';

import { parseRetryAfter } from '../domain/backoff';
import { classifyStatus, type Outcome } from '../domain/outcome';
import { presets } from '../presets';
import type { StoredBatch } from './outbox';
import type { Target } from './settings';

export interface AttemptResult {
  outcome: Outcome;
  httpStatus?: number;
  durationMs: number;
  /** A short description for the log: the network error, or the start of the response body. */
  error?: string;
}

const BODY_IN_LOG = 500;

// One client for the plugin: no redirects (a 3xx is a failure to report, not to follow), every
// status resolved so classification is ours, no proxy from the environment.
const client = axios.create({
  maxRedirects: 0,
  validateStatus: () => true,
  responseType: 'text',
  transformResponse: (data) => data,
  proxy: false,
});

export const createDeliveryService = (_: { strapi: Core.Strapi }) => ({
  async attempt(target: Target, batch: StoredBatch, signal?: AbortSignal): Promise<AttemptResult> {
    const request = presets[target.preset].build(target, batch, new Date());
    const started = performance.now();
    try {
      const response = await client.request({
        method: request.method,
        url: request.url,
        headers: request.headers,
        data: request.body,
        timeout: target.timeoutMs,
        signal,
      });
      const durationMs = Math.round(performance.now() - started);
      const retryAfter = parseRetryAfter(response.headers['retry-after'] as string | undefined, new Date());
      const outcome = classifyStatus(response.status, retryAfter);
      const text = typeof response.data === 'string' ? response.data.slice(0, BODY_IN_LOG) : '';
      return {
        outcome,
        httpStatus: response.status,
        durationMs,
        error: outcome.kind === 'success' ? undefined : `HTTP ${response.status}${text ? `: ${text}` : ''}`,
      };
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      const e = error as { code?: string; message?: string };
      const reason = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' ? `timeout after ${target.timeoutMs} ms` : `${e.code ?? 'error'}: ${e.message}`;
      return { outcome: { kind: 'retry' }, durationMs, error: reason };
    }
  },
});

export type DeliveryService = ReturnType<typeof createDeliveryService>;
