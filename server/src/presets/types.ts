import type { BatchContent } from '../domain/batching';
import type { Target } from '../services/settings';

/** One HTTP request, ready for axios. */
export interface PresetRequest {
  method: 'POST' | 'GET' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Turns a stored batch into the request(s) a kind of frontend or CDN understands. */
export interface Preset {
  name: string;
  build(target: Target, batch: { batchId: string; content: BatchContent }, now: Date): PresetRequest;
}
