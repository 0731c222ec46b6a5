import type { Core } from '@strapi/strapi';

import { checkRules, type Schemas } from './domain/schema';
import { LOG_PREFIX } from './plugin-id';
import { getService } from './services/get-service';

const bootstrap = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = strapi.config.get('plugin::revalidation') as {
    rules: Parameters<typeof checkRules>[0];
    graph?: { disabledEdges?: string[] };
  };
  // Rules are code: a rule naming a type or field that does not exist stops the boot, like a typo
  // in any other config file would.
  const problems = checkRules(config.rules ?? {}, strapi as unknown as Schemas);
  const edges = new Set(getService(strapi, 'graph').graph().edges.map((e) => e.id));
  (config.graph?.disabledEdges ?? []).forEach((id, i) => {
    if (!edges.has(id)) problems.push(`graph.disabledEdges[${i}]: no edge "${id}" (edges are "<uid>.<field path>", e.g. "api::article.article.author")`);
  });
  if (problems.length) {
    throw new Error(`${LOG_PREFIX} invalid rules or graph settings in config/plugins:\n  ${problems.join('\n  ')}`);
  }
  const settings = getService(strapi, 'settings');
  if (settings.enabledTargets().length === 0) {
    strapi.log.warn(`${LOG_PREFIX} no enabled targets: changes are recorded but nothing is sent`);
  }
  getService(strapi, 'worker').start();
};

export default bootstrap;
