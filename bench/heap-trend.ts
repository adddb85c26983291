// The trend of a page's JS heap over a run (pure; bench/live-page.ts samples it): least-squares slope over
// the samples after the warm-up, so one GC's timing does not decide the verdict.

export interface HeapSample {
  /** ms since the run started */
  atMs: number
  usedBytes: number
}

export interface HeapTrend {
  samples: number
  /** least-squares slope of the used heap after the warm-up, KB per minute */
  slopeKbPerMin: number
  firstMb: number
  lastMb: number
  maxMb: number
}

/** `warmUpMs`: samples before it are left out of the slope (the first snapshot and socket set-up). */
export function heapTrend(samples: readonly HeapSample[], warmUpMs: number): HeapTrend {
  const used = samples.filter((s) => s.atMs >= warmUpMs)
  const n = used.length
  const mb = (b: number) => b / 1024 / 1024
  let slopeKbPerMin = Number.NaN
  if (n >= 2) {
    const mx = used.reduce((a, s) => a + s.atMs, 0) / n
    const my = used.reduce((a, s) => a + s.usedBytes, 0) / n
    let sxy = 0
    let sxx = 0
    for (const s of used) {
      sxy += (s.atMs - mx) * (s.usedBytes - my)
      sxx += (s.atMs - mx) ** 2
    }
    // bytes per ms → KB per minute
    slopeKbPerMin = sxx === 0 ? 0 : ((sxy / sxx) * 60_000) / 1024
  }
  return {
    samples: n,
    slopeKbPerMin,
    firstMb: n ? mb(used[0]!.usedBytes) : Number.NaN,
    lastMb: n ? mb(used[n - 1]!.usedBytes) : Number.NaN,
    maxMb: n ? mb(Math.max(...used.map((s) => s.usedBytes))) : Number.NaN,
  }
}
