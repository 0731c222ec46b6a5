/**
 * The generic webhook: the public wire format of the plugin (see README, "Wire format").
 * POST JSON `{ paths, tags, layouts, events }`, signed with Standard Webhooks headers.
 */
import { signatureHeaders } from '../domain/signing';
import type { Preset } from './types';

export const webhookBody = (content: { paths: string[]; tags: string[]; layouts: string[]; events: unknown[] }) =>
  JSON.stringify({ paths: content.paths, tags: content.tags, layouts: content.layouts, events: content.events });

export const webhookPreset: Preset = {
  name: 'webhook',
  build(target, batch, now) {
    const body = webhookBody(batch.content);
    return {
      method: 'POST',
      url: target.url,
      headers: {
        ...target.headers,
        'content-type': 'application/json',
        'user-agent': 'strapi-plugin-revalidation',
        ...signatureHeaders(target.secret, batch.batchId, body, now),
      },
      body,
    };
  },
};
