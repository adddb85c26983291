// Publish → socket.io `alert` latency for the probe pile (pure; bench/run-alert-latency.ts does the I/O).
//
// Each `port_fault` the probe publishes is remembered by (port, event ts). The engine raises the alert at
// the event's time (domain.md: raisedAt = the event ts), so the `alert` with state `active`, that port and
// raisedAt = ts is the answer to exactly that publish; a repeat or a stale alert cannot be mistaken for it.
// Both times come from the same process and clock (performance.now()).

export interface AlertLatencyStats {
  /** port_fault events published */
  sent: number
  /** answered within the miss limit */
  count: number
  p50: number
  p90: number
  p99: number
  max: number
  /** no matching alert within the miss limit (answered late, or never) */
  missed: number
  /** `active` alerts of the probe that matched no publish (e.g. a repeat raised as a new alert) */
  unmatched: number
  /** the three slowest answers, slowest first, with their publish time (performance.now()) */
  worst: { sentAt: number; ms: number }[]
}

export interface AlertLatencyTracker {
  /** `sentAt`: performance.now() just before the publish call; `ts`: the event's `ts` */
  sent(port: number, ts: number, sentAt: number): void
  received(alert: { state: string; port?: number; raisedAt: number }, at: number): void
  /** published, unanswered, and still within the miss limit at `now` */
  waiting(now: number): number
  stats(): AlertLatencyStats
}

/** Nearest rank: the smallest value with at least p of the values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!
}

export function createAlertLatencyTracker(opts: { missAfterMs: number }): AlertLatencyTracker {
  const pending = new Map<string, number>()
  const latencies: { sentAt: number; ms: number }[] = []
  let sent = 0
  let late = 0
  let unmatched = 0
  const key = (port: number, ts: number) => `${port}:${ts}`
  return {
    sent(port, ts, sentAt) {
      sent++
      pending.set(key(port, ts), sentAt)
    },
    received(alert, at) {
      if (alert.state !== 'active' || alert.port === undefined) return
      const k = key(alert.port, alert.raisedAt)
      const sentAt = pending.get(k)
      if (sentAt === undefined) {
        unmatched++
        return
      }
      pending.delete(k)
      const ms = at - sentAt
      if (ms > opts.missAfterMs) late++
      else latencies.push({ sentAt, ms })
    },
    waiting(now) {
      let n = 0
      for (const sentAt of pending.values()) if (now - sentAt <= opts.missAfterMs) n++
      return n
    },
    stats() {
      const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b)
      return {
        sent,
        count: sorted.length,
        p50: nearestRank(sorted, 0.5),
        p90: nearestRank(sorted, 0.9),
        p99: nearestRank(sorted, 0.99),
        max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
        missed: late + pending.size,
        unmatched,
        worst: [...latencies].sort((a, b) => b.ms - a.ms).slice(0, 3),
      }
    },
  }
}
