import type { PresetName } from '../config/schema';
import { nextjsPreset } from './nextjs';
import type { Preset } from './types';
import { webhookPreset } from './webhook';

export const presets: Record<PresetName, Preset> = {
  webhook: webhookPreset,
  nextjs: nextjsPreset,
};

export type { Preset, PresetRequest } from './types';
