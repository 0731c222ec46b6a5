/**
 * What the pipeline needs from Strapi's content-type schemas, read through a narrow shape so it
 * is unit-tested on fixtures: checking that rule patterns name real fields, and which relations
 * and components a snapshot must populate.
 */
import { fieldPaths, parsePattern } from './patterns';

export interface AttributeLike {
  type: string;
  target?: string;
  component?: string;
  components?: string[];
  relation?: string;
}

export interface SchemaLike {
  uid?: string;
  kind?: string;
  attributes: Record<string, AttributeLike>;
  options?: { draftAndPublish?: boolean };
  pluginOptions?: { i18n?: { localized?: boolean } };
}

export interface Schemas {
  contentTypes: Record<string, SchemaLike>;
  components: Record<string, SchemaLike>;
}

/** Attribute types whose value can go into a path or tag. */
const SCALAR_TYPES = new Set([
  'string', 'text', 'uid', 'email', 'enumeration', 'integer', 'biginteger', 'float', 'decimal',
  'date', 'datetime', 'time', 'boolean',
]);
/** Columns every entry has, usable at the end of a relation path: `{author.documentId}`. */
const SYSTEM_FIELDS = new Set(['id', 'documentId', 'locale']);

export const hasDraftAndPublish = (schema: SchemaLike) => schema.options?.draftAndPublish === true;
export const isLocalized = (schema: SchemaLike) => schema.pluginOptions?.i18n?.localized === true;

/** Checks one dotted field path against the schemas; returns the problem, or undefined. */
export function checkFieldPath(uid: string, path: string[], schemas: Schemas): string | undefined {
  let schema: SchemaLike | undefined = schemas.contentTypes[uid];
  let where = uid;
  for (let i = 0; i < path.length; i++) {
    const name = path[i];
    const last = i === path.length - 1;
    if (!schema) return `${where} has no schema`;
    if (SYSTEM_FIELDS.has(name) && last) return undefined;
    const attribute: AttributeLike | undefined = schema.attributes[name];
    if (!attribute) return `${where} has no field "${name}"`;
    const shown = path.slice(0, i + 1).join('.');
    if (attribute.type === 'relation' || attribute.type === 'component') {
      if (last) return `"${shown}" is a ${attribute.type}: name one of its fields, such as {${shown}.slug}`;
      if (attribute.type === 'relation') {
        if (!attribute.target) return `"${shown}" is a polymorphic relation, which patterns cannot follow`;
        schema = schemas.contentTypes[attribute.target];
        where = attribute.target;
      } else {
        schema = schemas.components[attribute.component!];
        where = attribute.component!;
      }
      continue;
    }
    if (attribute.type === 'dynamiczone') return `"${shown}" is a dynamic zone, which patterns cannot read`;
    if (!SCALAR_TYPES.has(attribute.type)) return `"${shown}" is of type ${attribute.type}, which has no text value`;
    if (!last) return `"${shown}" is a ${attribute.type} field and has no field "${path[i + 1]}"`;
  }
  return undefined;
}

type PatternList = Array<string | Record<string, string>>;

/** Problems with the rules that only the loaded schemas reveal: unknown types and fields. */
export function checkRules(
  rules: Record<string, { paths?: PatternList; tags?: PatternList; layouts?: PatternList }>,
  schemas: Schemas
): string[] {
  const problems: string[] = [];
  for (const [uid, rule] of Object.entries(rules)) {
    const schema = schemas.contentTypes[uid];
    if (!schema) {
      problems.push(`rules["${uid}"]: no content type has this uid`);
      continue;
    }
    for (const key of ['paths', 'tags', 'layouts'] as const) {
      (rule[key] ?? []).forEach((entry, i) => {
        const sources: Array<[string, string]> =
          typeof entry === 'string' ? [[`${key}[${i}]`, entry]] : Object.entries(entry).map(([l, v]) => [`${key}[${i}].${l}`, v]);
        if (typeof entry !== 'string' && !isLocalized(schema)) {
          problems.push(`rules["${uid}"].${key}[${i}]: per-locale patterns need a localized type, and ${uid} is not`);
        }
        for (const [where, source] of sources) {
          const pattern = parsePattern(source);
          const usesLocale = pattern.segments.some((s) => 'placeholder' in s && s.placeholder.kind === 'locale');
          if (usesLocale && !isLocalized(schema)) {
            problems.push(`rules["${uid}"].${where} ({locale}): ${uid} is not localized, so {locale} is always empty`);
          }
          for (const path of fieldPaths(pattern)) {
            const problem = checkFieldPath(uid, path, schemas);
            if (problem) problems.push(`rules["${uid}"].${where} ({${path.join('.')}}): ${problem}`);
          }
        }
      });
    }
  }
  return problems;
}

/** One level of a db.query populate: the columns to read and the relations below. */
export interface PopulateNode {
  select?: string[];
  populate?: Populate;
}
export type Populate = Record<string, PopulateNode | true>;

/** Columns every read needs: the row id, and for content types documentId (and locale). */
const baseColumns = (schema: SchemaLike, isComponent: boolean) =>
  isComponent ? ['id'] : ['id', 'documentId', ...(isLocalized(schema) ? ['locale'] : [])];

/** The columns and relations one level must read for these (relative) field paths. */
function level(schema: SchemaLike, isComponent: boolean, paths: string[][], schemas: Schemas): Required<PopulateNode> {
  const select = new Set(baseColumns(schema, isComponent));
  const below = new Map<string, { schema: SchemaLike; isComponent: boolean; paths: string[][] }>();
  for (const [head, ...rest] of paths) {
    const attribute = schema.attributes[head];
    if (!attribute) continue; // a system column (documentId, locale), already selected
    if (attribute.type === 'relation' || attribute.type === 'component') {
      const isRelation = attribute.type === 'relation';
      const target = isRelation ? schemas.contentTypes[attribute.target!] : schemas.components[attribute.component!];
      if (!target) continue;
      if (!below.has(head)) below.set(head, { schema: target, isComponent: !isRelation, paths: [] });
      if (rest.length) below.get(head)!.paths.push(rest);
    } else {
      select.add(head);
    }
  }
  const populate: Populate = {};
  for (const [name, child] of below) {
    const node = level(child.schema, child.isComponent, child.paths, schemas);
    populate[name] = Object.keys(node.populate).length ? node : { select: node.select };
  }
  return { select: [...select], populate };
}

/**
 * What strapi.db.query must read for the field paths: the row's own columns (`select`) and the
 * relations and components they cross, each with only the columns needed. Paths must have
 * passed checkFieldPath.
 */
export function readSpec(uid: string, paths: string[][], schemas: Schemas): Required<PopulateNode> {
  return level(schemas.contentTypes[uid], false, paths, schemas);
}
