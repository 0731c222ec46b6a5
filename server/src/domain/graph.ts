/**
 * The relation graph: which content types' pages show which others. Derived from the schemas at
 * boot; pure, so it is unit-tested on schema fixtures.
 *
 * An edge A → B reads "pages of type A show entries of type B through field path f". Every
 * relation attribute found in A (directly, in components at any depth, or in a dynamic zone's
 * components) is one edge; a bidirectional relation therefore gives an edge in each direction
 * and a unidirectional one only from its owning side.
 */
import type { AttributeLike, Schemas } from './schema';

/** How to get from an A entry to the related B entries. */
export type Step =
  | { kind: 'relation'; field: string }
  | { kind: 'component'; field: string; component: string }
  | { kind: 'dynamiczone'; field: string; component: string };

export interface Edge {
  /** `<uid of A>.<field path>`; a dynamic-zone step is written `<zone>(<component uid>)`. */
  id: string;
  /** The type whose pages show… */
  from: string;
  /** …entries of this type. */
  to: string;
  steps: Step[];
  /** The attribute on B that mirrors this relation (bidirectional relations declared on A itself). */
  inverse?: string;
  toMany: boolean;
}

export interface Graph {
  edges: Edge[];
  /** Edges by the type they point to: what to look up when an entry of that type changes. */
  into: Map<string, Edge[]>;
}

/** Relations to these never make a page show content (media, admin users). */
const IGNORED_TARGETS = (uid: string) => uid === 'plugin::upload.file' || uid.startsWith('admin::');
const TO_MANY = new Set(['oneToMany', 'manyToMany', 'manyWay']);

const stepLabel = (step: Step) =>
  step.kind === 'dynamiczone' ? `${step.field}(${step.component})` : step.field;

export function deriveGraph(schemas: Schemas): Graph {
  const edges: Edge[] = [];

  const walk = (
    from: string,
    attributes: Record<string, AttributeLike>,
    steps: Step[],
    componentStack: string[],
    direct: boolean
  ) => {
    for (const [field, attribute] of Object.entries(attributes)) {
      if (attribute.type === 'relation') {
        const target = attribute.target;
        if (!target || IGNORED_TARGETS(target) || !schemas.contentTypes[target]) continue;
        const all = [...steps, { kind: 'relation', field } as Step];
        const inverse = direct ? ((attribute as any).mappedBy ?? (attribute as any).inversedBy) : undefined;
        edges.push({
          id: `${from}.${all.map(stepLabel).join('.')}`,
          from,
          to: target,
          steps: all,
          ...(inverse ? { inverse } : {}),
          toMany: TO_MANY.has(attribute.relation ?? ''),
        });
      } else if (attribute.type === 'component' && attribute.component) {
        const component = attribute.component;
        // A component cannot contain itself in Strapi, but a bad schema must not loop here.
        if (componentStack.includes(component) || !schemas.components[component]) continue;
        walk(from, schemas.components[component].attributes, [...steps, { kind: 'component', field, component }], [...componentStack, component], false);
      } else if (attribute.type === 'dynamiczone') {
        for (const component of attribute.components ?? []) {
          if (componentStack.includes(component) || !schemas.components[component]) continue;
          walk(from, schemas.components[component].attributes, [...steps, { kind: 'dynamiczone', field, component }], [...componentStack, component], false);
        }
      }
    }
  };

  for (const [uid, schema] of Object.entries(schemas.contentTypes)) {
    if (!uid.startsWith('api::')) continue;
    walk(uid, schema.attributes, [], [], true);
  }

  const into = new Map<string, Edge[]>();
  for (const edge of edges) {
    if (!into.has(edge.to)) into.set(edge.to, []);
    into.get(edge.to)!.push(edge);
  }
  return { edges, into };
}
