export default {
  default: () => ({}),
  validator() {},
};
