import type { ReceivedRequest } from './receiver';

/** What a receiver got, counted the way at-least-once delivery is judged. */
export interface DeliveryStats {
  requests: number;
  /** Distinct `webhook-id`s: batches delivered at least once. */
  batches: number;
  /** path → how many times it arrived. */
  receipts: Map<string, number>;
  /** path → when it first arrived (epoch ms). */
  firstArrival: Map<string, number>;
  /**
   * Requests that repeat something already received: a `webhook-id` seen before, or a path seen
   * before under another id. (Tags such as `{uid}:list` legitimately recur and are not counted.)
   */
  duplicateRequests: number;
  /** Of those, requests whose `webhook-id` had arrived before: a receiver can recognise them. */
  sameIdRedeliveries: number;
  /** Arrivals of a path beyond its first. */
  duplicatePaths: number;
  /** Paths that arrived again under a different `webhook-id`: a receiver cannot tell these apart. */
  freshIdDuplicates: string[];
  /** `webhook-id` → arrival times, for ids that arrived more than once. */
  repeatedIds: Map<string, number[]>;
}

const pathsOf = (r: ReceivedRequest) => (r.json as { paths?: string[] })?.paths ?? [];
const idOf = (r: ReceivedRequest) => String(r.headers['webhook-id']);

export function deliveryStats(requests: ReceivedRequest[]): DeliveryStats {
  const receipts = new Map<string, number>();
  const firstArrival = new Map<string, number>();
  const firstId = new Map<string, string>();
  const arrivals = new Map<string, number[]>();
  let duplicateRequests = 0;
  let sameIdRedeliveries = 0;
  let duplicatePaths = 0;
  const freshIdDuplicates: string[] = [];
  for (const request of requests) {
    const id = idOf(request);
    const repeatsId = arrivals.has(id);
    if (repeatsId) sameIdRedeliveries++;
    else arrivals.set(id, []);
    arrivals.get(id)!.push(request.receivedAt);
    let repeatsPath = false;
    for (const path of pathsOf(request)) {
      const seen = receipts.get(path) ?? 0;
      receipts.set(path, seen + 1);
      if (seen === 0) {
        firstId.set(path, id);
        firstArrival.set(path, request.receivedAt);
        continue;
      }
      duplicatePaths++;
      if (firstId.get(path) !== id) {
        freshIdDuplicates.push(path);
        repeatsPath = true;
      }
    }
    if (repeatsId || repeatsPath) duplicateRequests++;
  }
  return {
    requests: requests.length,
    batches: arrivals.size,
    receipts,
    firstArrival,
    duplicateRequests,
    sameIdRedeliveries,
    duplicatePaths,
    freshIdDuplicates,
    repeatedIds: new Map([...arrivals].filter(([, times]) => times.length > 1)),
  };
}
