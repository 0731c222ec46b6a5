// The tests use the demo's receiver: one real loopback HTTP server implementation for both.
import { formatRequest, startReceiver } from '../../scripts/lib/receiver';

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
export type { ReceivedRequest } from '../../scripts/lib/receiver';
export { formatRequest, startReceiver };
