import log from './log';
import preview from './preview';
import trigger from './trigger';

export default { log, preview, trigger };
