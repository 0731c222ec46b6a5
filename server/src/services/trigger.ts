/**
 * Trigger: a document-service middleware that sees every write (admin, REST, GraphQL, bulk
 * actions, releases). For a public change of a tracked type it snapshots the published state
 * before and after the write and records the change in the outbox inside the write's own
 * transaction, so a rolled-back write leaves nothing behind. It never does HTTP.
 */
import type { Core } from '@strapi/strapi';

import { hasDraftAndPublish, isLocalized } from '../domain/schema';
import type { Change, ChangeAction, ChangeActor, EntrySnapshot } from '../domain/types';
import { LOG_PREFIX } from '../plugin-id';
import { getService } from './get-service';

/** The middleware context Strapi passes (only what the trigger reads). */
interface DocumentContext {
  uid: string;
  action: string;
  params?: { documentId?: string; locale?: string; status?: string };
}

/** Keeps only the values a set of dotted paths reads, so the outbox stores little. */
export function project(entry: unknown, paths: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byHead = new Map<string, string[][]>();
  for (const [head, ...rest] of paths) {
    if (!byHead.has(head)) byHead.set(head, []);
    if (rest.length) byHead.get(head)!.push(rest);
  }
  const source = (entry ?? {}) as Record<string, unknown>;
  for (const [head, rests] of byHead) {
    const value = source[head];
    if (value === undefined) continue;
    if (rests.length === 0 || value === null || typeof value !== 'object') out[head] = value;
    else if (Array.isArray(value)) out[head] = value.map((v) => project(v, rests));
    else out[head] = project(value, rests);
  }
  return out;
}

export const createTriggerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => getService(strapi, 'settings');

  /** Does this call change what the public sees? Draft saves, discardDraft and clone do not. */
  const publicAction = (ctx: DocumentContext): ChangeAction | undefined => {
    const schema = strapi.contentType(ctx.uid as any);
    const draftAndPublish = hasDraftAndPublish(schema as any);
    switch (ctx.action) {
      case 'publish':
      case 'unpublish':
      case 'delete':
        return ctx.action;
      case 'create':
      case 'update':
        return !draftAndPublish || ctx.params?.status === 'published' ? ctx.action : undefined;
      case 'clone':
        // Without draft & publish a clone is a new live entry; with it, a new draft.
        return draftAndPublish ? undefined : 'create';
      default:
        return undefined;
    }
  };

  const defaultLocale = async (): Promise<string | undefined> => {
    const i18n = strapi.plugin('i18n');
    return i18n ? ((await i18n.service('locales').getDefaultLocale()) as string) : undefined;
  };

  /** The locale a call addresses: a code, '*' for all, or null for a type without i18n. */
  const localeScope = async (uid: string, locale: string | undefined): Promise<string | null> => {
    if (!isLocalized(strapi.contentType(uid as any) as any)) return null;
    // Strapi treats any falsy locale as the default one.
    return locale || (await defaultLocale()) || '*';
  };

  /** Published rows of a document (all rows for a type without draft & publish), per locale. */
  /**
   * Rows of a document per locale: the published ones (all rows of a type without draft &
   * publish), or the drafts (what a publish would make public; the preview uses them).
   */
  const snapshot = async (
    uid: string,
    documentId: string,
    scope: string | null,
    status: 'published' | 'draft' = 'published'
  ): Promise<EntrySnapshot[]> => {
    const schema = strapi.contentType(uid as any) as any;
    const where: Record<string, unknown> = { documentId };
    if (hasDraftAndPublish(schema)) where.publishedAt = status === 'published' ? { $notNull: true } : { $null: true };
    if (scope !== null && scope !== '*') where.locale = scope;
    const { paths, select, populate } = settings().snapshotSpec(uid);
    const rows = await strapi.db.query(uid as any).findMany({ where, select, populate });
    return rows.map((row: any) => ({
      locale: scope === null ? null : (row.locale ?? null),
      entry: project(row, paths),
    }));
  };

  const currentActor = (): ChangeActor | null => {
    const state = (strapi.requestContext.get() as any)?.state;
    const strategy = state?.auth?.strategy?.name;
    if (strategy === 'admin' && state.user) return { kind: 'admin', id: state.user.id, name: state.user.email };
    if (strategy === 'content-api-token' && state.auth.credentials) {
      return { kind: 'api-token', id: state.auth.credentials.id, name: state.auth.credentials.name };
    }
    if (strategy === 'admin-token' && state.auth.credentials) {
      return { kind: 'admin-token', id: state.auth.credentials.id, name: state.auth.credentials.name };
    }
    return null;
  };

  const middleware = async (ctx: DocumentContext, next: () => Promise<unknown>) => {
    if (!settings().isTracked(ctx.uid)) return next();
    const action = publicAction(ctx);
    if (!action) return next();

    return strapi.db.transaction(async ({ onCommit }) => {
      const scope = await localeScope(ctx.uid, ctx.params?.locale);
      // Localized types are read in every locale: i18n copies non-localized fields (a shared
      // slug, say) into the other locales within the same write.
      const readScope = scope === null ? null : '*';
      const knownId = action === 'create' ? undefined : ctx.params?.documentId;
      const before = knownId ? await snapshot(ctx.uid, knownId, readScope) : [];
      // Unpublish and delete remove the rows other entries link to: read those links now.
      const linked =
        knownId && (action === 'unpublish' || action === 'delete')
          ? await getService(strapi, 'graph').incomingLinks(ctx.uid, knownId, scope)
          : [];

      const result = (await next()) as { documentId?: string; locale?: string } | null;

      // A create (or clone) gets its documentId from Strapi, whatever the caller passed.
      const documentId = knownId ?? result?.documentId;
      if (!documentId) return result;
      // Read back even after unpublish/delete: locales the call did not touch are still there.
      const allAfter = await snapshot(ctx.uid, documentId, readScope);
      // Keep the locales the call addressed, and any other whose published state changed.
      const addressed = (locale: string | null) =>
        scope === null || scope === '*' || locale === scope || (action === 'create' && locale === result?.locale);
      const changed = (locale: string | null) =>
        JSON.stringify(before.find((s) => s.locale === locale)?.entry) !==
        JSON.stringify(allAfter.find((s) => s.locale === locale)?.entry);
      const keep = (s: EntrySnapshot) => addressed(s.locale) || changed(s.locale);
      const beforeKept = before.filter(keep);
      const after = allAfter.filter(keep);
      if (beforeKept.length === 0 && after.length === 0) return result;

      const change: Change = {
        uid: ctx.uid,
        documentId,
        action,
        before: beforeKept,
        after,
        actor: currentActor(),
        ...(linked.length ? { linked } : {}),
      };
      await getService(strapi, 'outbox').recordChange(change);
      // Runs after commit; must stay tiny and never throw (a throwing callback fails the write).
      onCommit(() => {
        try {
          getService(strapi, 'worker').notify();
        } catch (error) {
          strapi.log.error(`${LOG_PREFIX} could not wake the worker: ${(error as Error).message}`);
        }
      });
      return result;
    });
  };

  return {
    /** Registers the middleware; called once from register(). */
    register() {
      strapi.documents.use(middleware as any);
    },
    snapshot,
    localeScope,
  };
};

export type TriggerService = ReturnType<typeof createTriggerService>;
