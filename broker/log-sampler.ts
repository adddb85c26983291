// Log sampling for lines an attacker can trigger at will (refused CONNECTs): the first `firstN` of each
// interval are logged as they come, the rest only counted, and one summary line per interval says how
// many were left out and why. The timer runs only while there is something to summarise.

export interface LogSampler {
  /** Logs via `write` unless this interval's quota is used up; `reason` groups the summary's counts. */
  log(reason: string, write: () => void): void
  close(): void
}

export function createLogSampler(opts: {
  firstN: number
  intervalMs: number
  summary: (suppressed: number, byReason: Record<string, number>) => void
}): LogSampler {
  let logged = 0
  let suppressed = 0
  let byReason: Record<string, number> = {}
  let timer: NodeJS.Timeout | undefined

  function flush(): void {
    timer = undefined
    if (suppressed > 0) opts.summary(suppressed, byReason)
    logged = 0
    suppressed = 0
    byReason = {}
  }

  return {
    log(reason, write) {
      if (timer === undefined) {
        timer = setTimeout(flush, opts.intervalMs)
        timer.unref()
      }
      if (logged < opts.firstN) {
        logged++
        write()
        return
      }
      suppressed++
      byReason[reason] = (byReason[reason] ?? 0) + 1
    },
    close() {
      if (timer !== undefined) clearTimeout(timer)
      flush()
    },
  }
}
