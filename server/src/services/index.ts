import { createDeliveryService } from './delivery';
import { createGraphService } from './graph';
import { createLogService } from './log';
import { createManualService } from './manual';
import { createOutboxService } from './outbox';
import { createPlanningService } from './planning';
import { createSettingsService } from './settings';
import { createTargetsService } from './targets';
import { createTriggerService } from './trigger';
import { createWorkerService } from './worker';

export default {
  settings: createSettingsService,
  graph: createGraphService,
  planning: createPlanningService,
  trigger: createTriggerService,
  outbox: createOutboxService,
  worker: createWorkerService,
  targets: createTargetsService,
  delivery: createDeliveryService,
  log: createLogService,
  manual: createManualService,
};
