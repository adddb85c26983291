// Publish → stored latency from repeated bucket counts (pure; bench/run-latency.ts does the I/O).
//
// Method: the generator puts the message's scheduled send time in `ts` (ms); ingest stores the point at
// that time (storage.ts). The bench polls InfluxDB, counting stored probe points per `ts` bucket. Points
// that first appear in bucket b at the poll that started at Q_k and answered at R_k were stored after the
// previous poll started (Q_{k-1}) and before R_k, and were sent in [b, b + bucketMs). So each point's
// latency lies in [Q_{k-1} − (b + bucketMs), R_k − b]; we keep both bounds. The upper bound is the one
// reported against the target; the gap between them is the method's resolution (poll interval + query
// time + bucket width), printed alongside.

export interface LatencyStats {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
}

export interface LatencyTracker {
  /** one poll's answer: [bucketStartMs, storedCount][] */
  observe(buckets: readonly [number, number][], pollStartMs: number, pollEndMs: number): void
  /** points seen so far */
  seen(): number
  upper(): LatencyStats
  lower(): LatencyStats
}

function percentiles(hist: Map<number, number>): LatencyStats {
  const keys = [...hist.keys()].sort((a, b) => a - b)
  let count = 0
  for (const k of keys) count += hist.get(k)!
  const at = (p: number) => {
    // nearest-rank: the smallest value with at least p of the points at or below it
    const rank = Math.max(1, Math.ceil(p * count))
    let acc = 0
    for (const k of keys) {
      acc += hist.get(k)!
      if (acc >= rank) return k
    }
    return Number.NaN
  }
  return { count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: keys.length ? keys[keys.length - 1]! : NaN }
}

export function createLatencyTracker(opts: { bucketMs: number; startMs: number }): LatencyTracker {
  const seenByBucket = new Map<number, number>()
  const upperHist = new Map<number, number>()
  const lowerHist = new Map<number, number>()
  let prevPollStart = opts.startMs
  let total = 0
  const add = (h: Map<number, number>, ms: number, n: number) => h.set(ms, (h.get(ms) ?? 0) + n)
  return {
    observe(buckets, pollStartMs, pollEndMs) {
      for (const [b, c] of buckets) {
        const fresh = c - (seenByBucket.get(b) ?? 0)
        if (fresh <= 0) continue
        seenByBucket.set(b, c)
        total += fresh
        add(upperHist, Math.max(0, pollEndMs - b), fresh)
        add(lowerHist, Math.max(0, prevPollStart - (b + opts.bucketMs)), fresh)
      }
      prevPollStart = pollStartMs
    },
    seen: () => total,
    upper: () => percentiles(upperHist),
    lower: () => percentiles(lowerHist),
  }
}
