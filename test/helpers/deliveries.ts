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
  /** Arrivals of a path beyond its first. */
  duplicates: number;
  /** Requests whose `webhook-id` had arrived before: a redelivery a receiver can recognise. */
  sameIdRedeliveries: number;
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
  let duplicates = 0;
  let sameIdRedeliveries = 0;
  const freshIdDuplicates: string[] = [];
  for (const request of requests) {
    const id = idOf(request);
    if (arrivals.has(id)) sameIdRedeliveries++;
    else arrivals.set(id, []);
    arrivals.get(id)!.push(request.receivedAt);
    for (const path of pathsOf(request)) {
      const seen = receipts.get(path) ?? 0;
      receipts.set(path, seen + 1);
      if (seen === 0) {
        firstId.set(path, id);
        firstArrival.set(path, request.receivedAt);
      } else {
        duplicates++;
        if (firstId.get(path) !== id) freshIdDuplicates.push(path);
      }
    }
  }
  return {
    requests: requests.length,
    batches: arrivals.size,
    receipts,
    firstArrival,
    duplicates,
    sameIdRedeliveries,
    freshIdDuplicates,
    repeatedIds: new Map([...arrivals].filter(([, times]) => times.length > 1)),
  };
}
