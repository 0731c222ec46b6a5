import { createDeliveryService } from './delivery';
import { createLogService } from './log';
import { createOutboxService } from './outbox';
import { createSettingsService } from './settings';
import { createTriggerService } from './trigger';
import { createWorkerService } from './worker';

export default {
  settings: createSettingsService,
  trigger: createTriggerService,
  outbox: createOutboxService,
  worker: createWorkerService,
  delivery: createDeliveryService,
  log: createLogService,
};
