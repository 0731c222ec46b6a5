import type { Core } from '@strapi/strapi';

import type { ReceivedRequest } from './receiver';
import { eventually } from './wait';

/** A Standard Webhooks secret for tests (24 bytes). */
export const TEST_SECRET = `whsec_${Buffer.from('revalidation-test-secret').toString('base64')}`;

/** Every path the receiver was asked to revalidate, in order of arrival. */
export const receivedPaths = (requests: ReceivedRequest[]) =>
  requests.flatMap((r) => ((r.json as { paths?: string[] })?.paths ?? []));

export const receivedTags = (requests: ReceivedRequest[]) =>
  requests.flatMap((r) => ((r.json as { tags?: string[] })?.tags ?? []));

/** The log rows of the plugin, newest last. */
export const logRows = (strapi: Core.Strapi, where: Record<string, unknown> = {}) =>
  strapi.db.query('plugin::revalidation.log' as any).findMany({ where, orderBy: { id: 'asc' } }) as Promise<any[]>;

/** Waits for at least `count` log rows matching `where`; returns them. */
export const waitForLogRows = (strapi: Core.Strapi, where: Record<string, unknown>, count = 1, timeoutMs = 10_000) =>
  eventually(
    async () => {
      const rows = await logRows(strapi, where);
      return rows.length >= count ? rows : undefined;
    },
    `${count} log row(s) matching ${JSON.stringify(where)}`,
    timeoutMs
  );

/** Waits until the outbox is empty: no change rows and no pending batches. */
export const outboxDrained = (strapi: Core.Strapi, timeoutMs = 15_000) =>
  eventually(
    async () => {
      const changes = await strapi.db.query('plugin::revalidation.change' as any).count({});
      const batches = await strapi.db.query('plugin::revalidation.batch' as any).count({ where: { state: 'pending' } });
      return changes === 0 && batches === 0;
    },
    'the outbox to drain',
    timeoutMs
  );
