import type { Core } from '@strapi/strapi';
import { errors, yup } from '@strapi/utils';

import { LOG_PREFIX } from '../plugin-id';
import { getService } from '../services/get-service';
import { validate } from './validate';

/** Requests per API token per minute; beyond, 429 with Retry-After. */
export const TRIGGER_RATE_PER_MINUTE = 60;
const MAX_ITEMS = 1000;

const path = yup.string().max(2048).matches(/^\//, { message: '${path} must start with "/"' });
const bodySchema = yup
  .object({
    uid: yup.string(),
    documentId: yup.string().when('uid', { is: (v: unknown) => v !== undefined, then: (s) => s.required() }),
    locale: yup.string().min(1),
    paths: yup.array(path.required()).max(MAX_ITEMS),
    tags: yup.array(yup.string().max(256).required()).max(MAX_ITEMS),
    layouts: yup.array(path.required()).max(MAX_ITEMS),
    targets: yup.array(yup.string().required()).min(1),
  })
  .noUnknown();

type Body = yup.InferType<typeof bodySchema>;

/** A fixed one-minute window per token: enough to stop a runaway integration, cheap to keep. */
const createLimiter = () => {
  const windows = new Map<string, { start: number; count: number }>();
  let swept = 0;
  return (key: string, now: number): number | undefined => {
    // Forget finished windows once a minute, so the map holds only active callers.
    if (now - swept >= 60_000) {
      for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k);
      swept = now;
    }
    const w = windows.get(key);
    if (!w || now - w.start >= 60_000) {
      windows.set(key, { start: now, count: 1 });
      return undefined;
    }
    w.count++;
    return w.count > TRIGGER_RATE_PER_MINUTE ? Math.ceil((w.start + 60_000 - now) / 1000) : undefined;
  };
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const limit = createLimiter();

  return {
    /** POST /api/revalidation/trigger: revalidation asked for by a system outside Strapi. */
    async trigger(ctx: any) {
      // API tokens only: a users-permissions login (or a Public role given this route) is not a
      // system integration, and must not be logged as one.
      const strategy = ctx.state?.auth?.strategy?.name;
      if (strategy !== 'content-api-token' && strategy !== 'api-token') {
        throw new errors.ForbiddenError('the revalidation trigger takes an API token');
      }
      const credentials = ctx.state.auth.credentials ?? {};
      const who = credentials.name ? `API token "${credentials.name}"` : 'an API token';
      const retryAfter = limit(`${strategy}:${credentials.id}`, Date.now());
      if (retryAfter !== undefined) {
        ctx.set('Retry-After', String(retryAfter));
        throw new errors.RateLimitError(`more than ${TRIGGER_RATE_PER_MINUTE} triggers a minute`, { retryAfter });
      }

      const body = await validate<Body>(bodySchema, ctx.request.body);
      const settings = getService(strapi, 'settings');
      const manual = getService(strapi, 'manual');
      const items = { paths: body.paths ?? [], tags: body.tags ?? [], layouts: body.layouts ?? [] };
      const itemCount = items.paths.length + items.tags.length + items.layouts.length;

      if (body.uid !== undefined) {
        if (itemCount > 0 || body.targets) {
          throw new errors.ValidationError('give either { uid, documentId, locale? } or { paths, tags, layouts, targets }, not both', { field: 'uid' });
        }
        if (!strapi.contentType(body.uid as any) || !settings.isTracked(body.uid)) {
          throw new errors.ValidationError(`uid: ${body.uid} is not a content type with a rule or a page showing it`, { field: 'uid' });
        }
        const actor = { kind: 'api-token' as const, id: credentials.id ?? 'unknown', name: credentials.name };
        const found = await manual.triggerEntry(body.uid, body.documentId!, body.locale, actor);
        if (!found) throw new errors.NotFoundError(`no published entry ${body.documentId} of ${body.uid}`);
        strapi.log.info(`${LOG_PREFIX} trigger by ${who}: ${body.uid} ${body.documentId}`);
        ctx.status = 202;
        ctx.body = { data: { accepted: { uid: body.uid, documentId: body.documentId } } };
        return;
      }

      if (itemCount === 0) {
        throw new errors.ValidationError('give { uid, documentId } or at least one of paths, tags, layouts', { field: 'paths' });
      }
      if (itemCount > MAX_ITEMS) throw new errors.ValidationError(`at most ${MAX_ITEMS} paths, tags and layouts in all`, { field: 'paths' });
      const known = settings.enabledTargets().map((t) => t.name);
      (body.targets ?? []).forEach((name, i) => {
        if (!known.includes(name)) {
          throw new errors.ValidationError(`targets[${i}]: no enabled target "${name}" (enabled: ${known.join(', ') || 'none'})`, { field: `targets[${i}]` });
        }
      });
      const result = await manual.triggerItems(items, body.targets, `external trigger by ${who}`);
      strapi.log.info(`${LOG_PREFIX} trigger by ${who}: ${itemCount} item(s) to ${result.targets.join(', ')}`);
      ctx.status = 202;
      ctx.body = { data: { accepted: result } };
    },
  };
};
