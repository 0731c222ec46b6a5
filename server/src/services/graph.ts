/**
 * The relation graph of this app's content types, and the database side of the dependents walk
 * (the DependentsPort): batched lookups with strapi.db.query, published entries only.
 */
import type { Core } from '@strapi/strapi';

import type { DependentsPort, GraphOptions, Reference } from '../domain/dependents';
import { deriveGraph, type Edge, type Graph } from '../domain/graph';
import { readPath } from '../domain/patterns';
import { hasDraftAndPublish, isLocalized, type Schemas } from '../domain/schema';
import { LOG_PREFIX } from '../plugin-id';

/** Ids per `$in`: well under every database's bound-parameter limit. */
const CHUNK = 500;
export const DEFAULT_FAN_OUT_CAP = 1000;
export const DEFAULT_MAX_DEPTH = 1;

const chunks = <T>(list: T[]) => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
};

/** `{ a: { b: { c: leaf } } }` for field names [a, b, c]. */
const nest = (fields: string[], leaf: unknown): Record<string, unknown> =>
  fields.reduceRight<Record<string, unknown>>((inner, field) => ({ [field]: inner }), leaf as Record<string, unknown>);

export const createGraphService = ({ strapi }: { strapi: Core.Strapi }) => {
  let graph: Graph | undefined;

  const schema = (uid: string) => strapi.contentType(uid as any) as any;

  /** Published rows only (all rows of a type without draft & publish), in `locale` if localized. */
  const scope = (uid: string, locale: string | null): Record<string, unknown> => {
    const where: Record<string, unknown> = {};
    if (hasDraftAndPublish(schema(uid))) where.publishedAt = { $notNull: true };
    if (locale !== null && isLocalized(schema(uid))) where.locale = locale;
    return where;
  };

  const select = (uid: string) => (isLocalized(schema(uid)) ? ['documentId', 'locale'] : ['documentId']);

  /** For each id, the related documentIds found at `fields` (populated) in rows. */
  const populateTo = (fields: string[]) =>
    nest(
      fields.flatMap((f, i) => (i < fields.length - 1 ? [f, 'populate'] : [f])),
      { select: ['documentId'] }
    );

  /**
   * A dynamic zone cannot be filtered through with `where`: find the zone's components that link
   * to the ids, then the entries holding those components through the zone's join table.
   */
  const throughDynamicZone = async (edge: Edge, documentIds: string[], locale: string | null): Promise<Reference[]> => {
    const [zone, ...rest] = edge.steps as [Extract<Edge['steps'][number], { kind: 'dynamiczone' }>, ...Edge['steps']];
    const fields = rest.map((s) => s.field);
    const wanted = new Set(documentIds);
    const viasByComponent = new Map<number, string[]>();
    for (const ids of chunks(documentIds)) {
      const components = await strapi.db.query(zone.component as any).findMany({
        select: ['id'],
        where: nest(fields, { documentId: { $in: ids } }),
        populate: populateTo(fields),
      });
      for (const c of components as any[]) {
        const vias = readPath(c, [...fields, 'documentId']).filter((v) => wanted.has(v as string)) as string[];
        if (vias.length) viasByComponent.set(c.id, vias);
      }
    }
    if (viasByComponent.size === 0) return [];

    const joinTable = (strapi.db.metadata.get(edge.from as any).attributes as any)[zone.field]?.joinTable;
    if (!joinTable?.morphColumn) {
      strapi.log.warn(`${LOG_PREFIX} edge ${edge.id}: no join table for dynamic zone "${zone.field}"; not followed`);
      return [];
    }
    const entityColumn = joinTable.joinColumn.name;
    const componentColumn = joinTable.morphColumn.idColumn.name;
    const componentsByEntity = new Map<number, number[]>();
    for (const ids of chunks([...viasByComponent.keys()])) {
      const links = await strapi.db
        .getConnection(joinTable.name)
        .select(entityColumn, componentColumn)
        .whereIn(componentColumn, ids)
        .where(joinTable.morphColumn.typeColumn.name, zone.component)
        .where('field', zone.field);
      for (const link of links as any[]) {
        const entity = Number(link[entityColumn]);
        if (!componentsByEntity.has(entity)) componentsByEntity.set(entity, []);
        componentsByEntity.get(entity)!.push(Number(link[componentColumn]));
      }
    }

    const out: Reference[] = [];
    for (const ids of chunks([...componentsByEntity.keys()])) {
      const rows = await strapi.db.query(edge.from as any).findMany({
        select: ['id', ...select(edge.from)],
        where: { ...scope(edge.from, locale), id: { $in: ids } },
      });
      for (const row of rows as any[]) {
        for (const component of componentsByEntity.get(Number(row.id)) ?? []) {
          for (const via of viasByComponent.get(component) ?? []) {
            out.push({ documentId: row.documentId, locale: row.locale ?? null, via });
          }
        }
      }
    }
    return out;
  };

  const port: DependentsPort = {
    async referencing(edge: Edge, documentIds: string[], locale: string | null): Promise<Reference[]> {
      if (edge.steps[0]?.kind === 'dynamiczone') return throughDynamicZone(edge, documentIds, locale);
      const fields = edge.steps.map((s) => s.field);
      const wanted = new Set(documentIds);
      const out: Reference[] = [];
      for (const ids of chunks(documentIds)) {
        const rows = await strapi.db.query(edge.from as any).findMany({
          select: select(edge.from),
          where: { ...scope(edge.from, locale), ...nest(fields, { documentId: { $in: ids } }) },
          populate: populateTo(fields),
        });
        for (const row of rows as any[]) {
          for (const via of readPath(row, [...fields, 'documentId'])) {
            if (wanted.has(via as string)) out.push({ documentId: row.documentId, locale: row.locale ?? null, via: via as string });
          }
        }
      }
      return out;
    },

    async published(uid: string, documentIds: string[], locale: string | null) {
      const out: Array<{ documentId: string; locale: string | null }> = [];
      for (const ids of chunks(documentIds)) {
        const rows = await strapi.db.query(uid as any).findMany({
          select: select(uid),
          where: { ...scope(uid, locale), documentId: { $in: ids } },
        });
        for (const row of rows as any[]) out.push({ documentId: row.documentId, locale: row.locale ?? null });
      }
      return out;
    },
  };

  return {
    graph(): Graph {
      if (!graph) graph = deriveGraph(strapi as unknown as Schemas);
      return graph;
    },

    options(config: { maxDepth?: number; disabledEdges?: string[]; fanOutCap?: number }): GraphOptions {
      return {
        maxDepth: config.maxDepth ?? DEFAULT_MAX_DEPTH,
        disabledEdges: new Set(config.disabledEdges ?? []),
        fanOutCap: config.fanOutCap ?? DEFAULT_FAN_OUT_CAP,
      };
    },

    port,

    /** Loads published entries of `uid` with the given populate (batched). */
    async load(uid: string, refs: Array<{ documentId: string; locale: string | null }>, populate: object) {
      const rows: any[] = [];
      const byLocale = new Map<string | null, string[]>();
      for (const ref of refs) {
        if (!byLocale.has(ref.locale)) byLocale.set(ref.locale, []);
        byLocale.get(ref.locale)!.push(ref.documentId);
      }
      for (const [locale, ids] of byLocale) {
        for (const chunk of chunks(ids)) {
          rows.push(
            ...(await strapi.db.query(uid as any).findMany({
              where: { ...scope(uid, locale), documentId: { $in: chunk } },
              populate,
            }))
          );
        }
      }
      return rows;
    },
  };
};

export type GraphService = ReturnType<typeof createGraphService>;
