/**
 * Dependents: the published entries whose pages show a changed entry, found by walking the
 * relation graph backwards hop by hop. Pure: the database is reached through a port whose
 * lookups take every id of a hop at once, so the number of queries does not grow with the number
 * of dependents.
 */
import type { Edge, Graph } from './graph';
import type { Change, EntrySnapshot } from './types';

/** An entry found by a lookup, with the B entry it showed. */
export interface Reference {
  documentId: string;
  locale: string | null;
  /** documentId of the entry of the edge's target type it is linked to. */
  via: string;
  /** The entry's fields its rule needs, when the lookup loaded them (saves a second query). */
  entry?: Record<string, unknown>;
}

export interface DependentsPort {
  /**
   * Published entries of `edge.from` linked through the edge, now, to any of `documentIds`
   * (entries of `edge.to`). `locale` restricts localized types to one locale (null: any).
   */
  referencing(edge: Edge, documentIds: string[], locale: string | null): Promise<Reference[]>;
  /** Which of these entries of `uid` are published (in `locale` for a localized type). */
  published(
    uid: string,
    documentIds: string[],
    locale: string | null
  ): Promise<Array<{ documentId: string; locale: string | null; entry?: Record<string, unknown> }>>;
}

export interface GraphOptions {
  /** Hops from the changed entry. @default 1 */
  maxDepth: number;
  /** Edge ids that are switched off. */
  disabledEdges: ReadonlySet<string>;
  /** More dependents than this through one edge collapse into the type's list tag. */
  fanOutCap: number;
}

export interface Dependent {
  uid: string;
  documentId: string;
  locale: string | null;
  depth: number;
  /** Why this entry's pages are revalidated. */
  reason: string;
  /** Index of the change that reached it. */
  change: number;
  /** Its fields, if the lookup loaded them. */
  entry?: Record<string, unknown>;
}

export interface Collapsed {
  uid: string;
  edge: string;
  count: number;
  change: number;
}

export interface DependentsResult {
  dependents: Dependent[];
  collapsed: Collapsed[];
}

/** Ids of `inverse` related entries in a snapshot: the links as they were. */
const linked = (snapshot: EntrySnapshot | undefined, field: string): string[] => {
  const value = snapshot?.entry[field];
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.map((v) => (v as { documentId?: string }).documentId).filter((id): id is string => typeof id === 'string');
};

const key = (uid: string, documentId: string, locale: string | null) => `${uid}\u0000${documentId}\u0000${locale}`;

/** One hop's worth of entries to look behind: uid → documentId → changes that reached it. */
type Frontier = Map<string, Map<string, Set<number>>>;

const add = (frontier: Frontier, uid: string, documentId: string, change: number) => {
  if (!frontier.has(uid)) frontier.set(uid, new Map());
  const ids = frontier.get(uid)!;
  if (!ids.has(documentId)) ids.set(documentId, new Set());
  ids.get(documentId)!.add(change);
};

/**
 * Walks from every changed entry (per locale) to the entries that show it, up to maxDepth hops.
 * Links that a change removed are still found: for bidirectional relations the changed entry's
 * before snapshot holds the inverse side's ids.
 */
export async function findDependents(
  changes: Change[],
  graph: Graph,
  options: GraphOptions,
  port: DependentsPort
): Promise<DependentsResult> {
  const dependents: Dependent[] = [];
  const collapsed: Collapsed[] = [];
  const edgesInto = (uid: string) => (graph.into.get(uid) ?? []).filter((e) => !options.disabledEdges.has(e.id));

  // Group by locale: lookups of one hop are shared by every change in that locale.
  const locales = new Map<string | null, number[]>();
  changes.forEach((change, index) => {
    const seen = new Set<string | null>([...change.before, ...change.after].map((s) => s.locale));
    if (seen.size === 0) seen.add(null);
    for (const locale of seen) {
      if (!locales.has(locale)) locales.set(locale, []);
      locales.get(locale)!.push(index);
    }
  });

  for (const [locale, indexes] of locales) {
    const visited = new Set<string>();
    let frontier: Frontier = new Map();
    for (const index of indexes) {
      const change = changes[index];
      visited.add(key(change.uid, change.documentId, locale));
      add(frontier, change.uid, change.documentId, index);
    }

    for (let depth = 1; depth <= options.maxDepth && frontier.size > 0; depth++) {
      const next: Frontier = new Map();
      for (const [uid, ids] of frontier) {
        for (const edge of edgesInto(uid)) {
          const found = await port.referencing(edge, [...ids.keys()], locale);
          if (depth === 1) {
            for (const index of indexes) {
              const change = changes[index];
              if (change.uid !== uid) continue;
              // Links an unpublish or delete removed, read by the trigger before the write.
              for (const link of change.linked ?? []) {
                if (link.edge !== edge.id) continue;
                if (locale !== null && link.locale !== null && link.locale !== locale) continue;
                found.push({ documentId: link.documentId, locale: link.locale, via: change.documentId });
              }
            }
          }
          if (depth === 1 && edge.inverse) {
            // The links before the write (a moved article's old author), and after it as the
            // preview sees it (a draft's new author), if published.
            const before = new Map<string, string>();
            for (const index of indexes) {
              const change = changes[index];
              if (change.uid !== uid) continue;
              for (const snapshot of [change.before, change.after].map((list) => list.find((s) => s.locale === locale))) {
                for (const documentId of linked(snapshot, edge.inverse)) before.set(documentId, change.documentId);
              }
            }
            if (before.size > 0) {
              for (const entry of await port.published(edge.from, [...before.keys()], locale)) {
                found.push({ ...entry, via: before.get(entry.documentId)! });
              }
            }
          }
          // Per change: how many entries this edge reaches, for the fan-out cap.
          const perChange = new Map<number, Reference[]>();
          for (const ref of found) {
            for (const index of ids.get(ref.via) ?? []) {
              if (!perChange.has(index)) perChange.set(index, []);
              perChange.get(index)!.push(ref);
            }
          }
          for (const [index, refs] of perChange) {
            const seen = new Set<string>();
            const fresh = refs.filter((r) => {
              const k = `${r.documentId}\u0000${r.locale}`;
              if (seen.has(k)) return false;
              seen.add(k);
              return true;
            });
            if (fresh.length > options.fanOutCap) {
              collapsed.push({ uid: edge.from, edge: edge.id, count: fresh.length, change: index });
              continue;
            }
            for (const ref of fresh) {
              const k = key(edge.from, ref.documentId, ref.locale);
              if (visited.has(k)) continue;
              visited.add(k);
              dependents.push({
                uid: edge.from,
                documentId: ref.documentId,
                locale: ref.locale,
                depth,
                reason: `shows ${uid} ${ref.via} via ${edge.id}`,
                change: index,
                ...(ref.entry ? { entry: ref.entry } : {}),
              });
              add(next, edge.from, ref.documentId, index);
            }
          }
        }
      }
      frontier = next;
    }
  }
  return { dependents, collapsed };
}
