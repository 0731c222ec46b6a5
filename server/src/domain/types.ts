/** Shapes shared by the pure pipeline modules (planner, batching) and the Strapi glue. */

/** Writes that can change what the public sees. */
export type ChangeAction = 'create' | 'update' | 'delete' | 'publish' | 'unpublish';

/** The fields of one entry (one locale) that patterns need, read from the published row. */
export interface EntrySnapshot {
  locale: string | null;
  entry: Record<string, unknown>;
}

/** Who made a change, when known (admin user or API token). */
export interface ChangeActor {
  kind: 'admin' | 'api-token' | 'admin-token';
  id: number | string;
  name?: string;
}

/** One public change, as the trigger stored it in the outbox. */
export interface Change {
  uid: string;
  documentId: string;
  action: ChangeAction;
  /** The published state before the write, one snapshot per locale it touched. */
  before: EntrySnapshot[];
  /** The published state after the write (empty after unpublish/delete). */
  after: EntrySnapshot[];
  actor?: ChangeActor | null;
  /**
   * Entries linking to this one through each incoming edge, read before an unpublish or delete
   * (which remove the links the graph would otherwise follow).
   */
  linked?: Array<{ edge: string; documentId: string; locale: string | null }>;
}

/** What a delivered request says about the change it carries. */
export interface ChangeEvent {
  uid: string;
  documentId: string;
  locale: string | null;
  action: ChangeAction;
  actor?: ChangeActor | null;
}

export type ItemKind = 'path' | 'tag' | 'layout';

/** One path, tag or layout to revalidate, with why, and which changes asked for it. */
export interface PlannedItem {
  kind: ItemKind;
  value: string;
  reasons: string[];
  /** Indexes into the planned changes. */
  changes: number[];
}

/** Everything one target must revalidate for a set of changes. */
export interface TargetPlan {
  target: string;
  items: PlannedItem[];
  /** Paths or tags that could not be produced, and why (a missing slug, …). */
  skipped: string[];
}
