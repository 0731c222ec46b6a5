import bootstrap from './bootstrap';
import config from './config';
import destroy from './destroy';
import register from './register';

export default {
  register,
  bootstrap,
  destroy,
  config,
  contentTypes: {},
  controllers: {},
  routes: {},
  services: {},
  policies: {},
  middlewares: {},
};
