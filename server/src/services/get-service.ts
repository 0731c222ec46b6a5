import type { Core } from '@strapi/strapi';

import { PLUGIN_ID } from '../plugin-id';
import type { DeliveryService } from './delivery';
import type { GraphService } from './graph';
import type { PlanningService } from './planning';
import type { LogService } from './log';
import type { ManualService } from './manual';
import type { OutboxService } from './outbox';
import type { SettingsService } from './settings';
import type { TargetsService } from './targets';
import type { TriggerService } from './trigger';
import type { WorkerService } from './worker';

interface Services {
  settings: SettingsService;
  graph: GraphService;
  planning: PlanningService;
  trigger: TriggerService;
  outbox: OutboxService;
  delivery: DeliveryService;
  worker: WorkerService;
  targets: TargetsService;
  log: LogService;
  manual: ManualService;
}

/** Typed access to the plugin's services. */
export const getService = <K extends keyof Services>(strapi: Core.Strapi, name: K): Services[K] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[K];
