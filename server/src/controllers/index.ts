import batches from './batches';
import log from './log';
import preview from './preview';
import targets from './targets';
import trigger from './trigger';

export default { batches, log, preview, targets, trigger };
