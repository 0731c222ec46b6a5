/**
 * The relation graph of this app's content types, and the database side of the dependents walk
 * (the DependentsPort): batched lookups with strapi.db.query, published entries only.
 */
import type { Core } from '@strapi/strapi';

import type { DependentsPort, GraphOptions, Reference } from '../domain/dependents';
import { deriveGraph, type Edge, type Graph } from '../domain/graph';
import { readPath } from '../domain/patterns';
import { hasDraftAndPublish, isLocalized, type Populate, type PopulateNode, type Schemas } from '../domain/schema';
import { LOG_PREFIX } from '../plugin-id';
import { getService } from './get-service';
import { project } from './trigger';

/** Ids per `$in`: well under every database's bound-parameter limit. */
const CHUNK = 1000;
export const DEFAULT_FAN_OUT_CAP = 1000;
export const DEFAULT_MAX_DEPTH = 1;


/** Two populate trees as one: every field wins over a `select`; nested populates merge. */
export function mergePopulate(a: Populate, b: Populate): Populate {
  const out: Populate = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? mergeNode(out[key], value) : value;
  return out;
}

function mergeNode(x: PopulateNode | true, y: PopulateNode | true): PopulateNode | true {
  const nx = x === true ? {} : x;
  const ny = y === true ? {} : y;
  // `true` and a node without `select` both load every field.
  const select = nx.select && ny.select ? [...new Set([...nx.select, ...ny.select])] : undefined;
  const populate = mergePopulate(nx.populate ?? {}, ny.populate ?? {});
  const hasPopulate = Object.keys(populate).length > 0;
  if (!select && !hasPopulate) return true;
  return { ...(select ? { select } : {}), ...(hasPopulate ? { populate } : {}) };
}

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

  const getGraph = (): Graph => {
    if (!graph) graph = deriveGraph(strapi as unknown as Schemas);
    return graph;
  };

  /** Links are per row: only those to the changed entry's locale count (a localized target). */
  const targetLocale = (edge: Edge, locale: string | null) =>
    locale !== null && isLocalized(schema(edge.to)) ? { locale } : {};

  /** Published rows only (all rows of a type without draft & publish), in `locale` if localized. */
  const scope = (uid: string, locale: string | null): Record<string, unknown> => {
    const where: Record<string, unknown> = {};
    if (hasDraftAndPublish(schema(uid))) where.publishedAt = { $notNull: true };
    if (locale !== null && isLocalized(schema(uid))) where.locale = locale;
    return where;
  };


  /**
   * What a lookup of `uid` loads besides the link: the fields its rule needs (and the inverse
   * ids the trigger keeps), so the planner needs no second query for the dependents it finds.
   */
  const entryOf = (uid: string) => getService(strapi, 'settings').ruleSpec(uid);

  /** Populates just enough along `fields` to read the related entries' documentIds. */
  const populateTo = (fields: string[]): Populate =>
    fields.reduceRight<Populate | undefined>(
      (inner, field) => ({ [field]: inner ? { select: ['id'], populate: inner } : { select: ['id', 'documentId'] } }),
      undefined
    )!;

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
        where: nest(fields, { documentId: { $in: ids }, ...targetLocale(edge, locale) }),
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
      // A raw query must join the transaction the trigger may be in (sqlite has one connection).
      const links = await strapi.db.transaction(({ trx }) =>
        strapi.db
          .getConnection(joinTable.name)
          .transacting(trx)
          .select(entityColumn, componentColumn)
          .whereIn(componentColumn, ids)
          .where(joinTable.morphColumn.typeColumn.name, zone.component)
          .where('field', zone.field)
      );
      for (const link of links as any[]) {
        const entity = Number(link[entityColumn]);
        if (!componentsByEntity.has(entity)) componentsByEntity.set(entity, []);
        componentsByEntity.get(entity)!.push(Number(link[componentColumn]));
      }
    }

    const out: Reference[] = [];
    for (const ids of chunks([...componentsByEntity.keys()])) {
      const spec = entryOf(edge.from);
      const rows = await strapi.db.query(edge.from as any).findMany({
        select: spec.select,
        where: { ...scope(edge.from, locale), id: { $in: ids } },
        populate: spec.populate,
      });
      for (const row of rows as any[]) {
        const entry = project(row, spec.paths);
        for (const component of componentsByEntity.get(Number(row.id)) ?? []) {
          for (const via of viasByComponent.get(component) ?? []) {
            out.push({ documentId: row.documentId, locale: row.locale ?? null, via, entry });
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
        const spec = entryOf(edge.from);
        // Looking behind one entry (the usual first hop), every row links to it: no need to
        // load the relation just to tell which.
        const single = ids.length === 1;
        const rows = await strapi.db.query(edge.from as any).findMany({
          select: spec.select,
          where: { ...scope(edge.from, locale), ...nest(fields, { documentId: { $in: ids }, ...targetLocale(edge, locale) }) },
          populate: single ? spec.populate : mergePopulate(spec.populate, populateTo(fields)),
        });
        for (const row of rows as any[]) {
          const entry = project(row, spec.paths);
          for (const via of single ? ids : readPath(row, [...fields, 'documentId'])) {
            if (wanted.has(via as string)) out.push({ documentId: row.documentId, locale: row.locale ?? null, via: via as string, entry });
          }
        }
      }
      return out;
    },

    async published(uid: string, documentIds: string[], locale: string | null) {
      const out: Array<{ documentId: string; locale: string | null; entry: Record<string, unknown> }> = [];
      const spec = entryOf(uid);
      for (const ids of chunks(documentIds)) {
        const rows = await strapi.db.query(uid as any).findMany({
          select: spec.select,
          where: { ...scope(uid, locale), documentId: { $in: ids } },
          populate: spec.populate,
        });
        for (const row of rows as any[]) out.push({ documentId: row.documentId, locale: row.locale ?? null, entry: project(row, spec.paths) });
      }
      return out;
    },
  };

  return {
    graph: getGraph,

    options(config: { maxDepth?: number; disabledEdges?: string[]; fanOutCap?: number }): GraphOptions {
      return {
        maxDepth: config.maxDepth ?? DEFAULT_MAX_DEPTH,
        disabledEdges: new Set(config.disabledEdges ?? []),
        fanOutCap: config.fanOutCap ?? DEFAULT_FAN_OUT_CAP,
      };
    },

    port,

    /**
     * Entries linking to a document through each incoming edge, now. The trigger records them
     * before an unpublish or delete, which remove the links.
     */
    async incomingLinks(uid: string, documentId: string, scope: string | null) {
      const locale = scope === null || scope === '*' ? null : scope;
      const links: Array<{ edge: string; documentId: string; locale: string | null }> = [];
      for (const edge of getGraph().into.get(uid) ?? []) {
        for (const ref of await port.referencing(edge, [documentId], locale)) {
          links.push({ edge: edge.id, documentId: ref.documentId, locale: ref.locale });
        }
      }
      return links;
    },

    /** Loads published entries of `uid` with what its snapshot spec reads (batched). */
    async load(uid: string, refs: Array<{ documentId: string; locale: string | null }>) {
      const { select, populate } = entryOf(uid);
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
              select,
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
