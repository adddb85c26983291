// Fan-out figures from the live clients' counts (pure; bench/run-fanout.ts does the I/O): reading `ts` →
// browser-socket arrival percentiles over every client's histogram, and per client, per device, how many
// readings arrived against how many the broker acknowledged (each once per watching client).

export interface FanoutLatency {
  /** readings received by all clients */
  count: number
  p50: number
  p90: number
  p99: number
  max: number
}

export interface FanoutDelivery {
  /** Σ over clients of the acked readings of the devices of the site it watches */
  expected: number
  received: number
  /** Σ over clients and devices of (acked − received) where positive */
  missing: number
  /** Σ over clients and devices of (received − acked) where positive: duplicates, or unacked publishes that arrived */
  extra: number
}

/** Percentiles over merged 1 ms histograms ([ms, count] pairs). */
export function mergedLatency(histograms: readonly (readonly [number, number])[][]): FanoutLatency {
  const counts = new Map<number, number>()
  for (const h of histograms) for (const [ms, n] of h) counts.set(ms, (counts.get(ms) ?? 0) + n)
  const keys = [...counts.keys()].sort((a, b) => a - b)
  const count = keys.reduce((n, k) => n + counts.get(k)!, 0)
  // nearest rank (as bench/alert-latency-tracker.ts) over the histogram without expanding it: the smallest bucket whose cumulative count reaches p
  const at = (p: number) => {
    if (count === 0) return Number.NaN
    const rank = Math.max(1, Math.ceil(p * count))
    let seen = 0
    for (const k of keys) {
      seen += counts.get(k)!
      if (seen >= rank) return k
    }
    return keys[keys.length - 1]!
  }
  return {
    count,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: count ? keys[keys.length - 1]! : Number.NaN,
  }
}

/**
 * `watching[i]`: the site client i subscribed to; `received[i]`: its readings per device id;
 * `siteOf`: device id → site id; `acked`: PUBACKed readings per device id.
 */
export function deliveryOf(opts: {
  watching: readonly string[]
  received: readonly Record<string, number>[]
  siteOf: ReadonlyMap<string, string>
  acked: Readonly<Record<string, number>>
}): FanoutDelivery {
  const bySite = new Map<string, string[]>()
  for (const [device, site] of opts.siteOf) bySite.set(site, [...(bySite.get(site) ?? []), device])
  let expected = 0
  let received = 0
  let missing = 0
  let extra = 0
  opts.watching.forEach((site, i) => {
    const got = opts.received[i] ?? {}
    const devices = new Set(bySite.get(site) ?? [])
    for (const d of devices) {
      const want = opts.acked[d] ?? 0
      const n = got[d] ?? 0
      expected += want
      if (n < want) missing += want - n
      else extra += n - want
    }
    // a reading of a device outside the watched site is a leak between rooms: count it as extra
    for (const [d, n] of Object.entries(got)) {
      received += n
      if (!devices.has(d)) extra += n
    }
  })
  return { expected, received, missing, extra }
}
