import { defaultConfig, validateConfig } from './schema';

export default {
  default: defaultConfig,
  validator: validateConfig,
};
