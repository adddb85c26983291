// Makes a spool consumer that falls far behind visible before it blocks the broker: the metric
// `courtyard_spool_consumer_lag_bytes{consumer}`, a warn log when it falls behind (info when it caught up),
// the readiness status (`check()`, for /readyz) and a hook for alerting operators (`onChange`).
import type { Logger } from 'pino'
import { Gauge, type Registry as MetricsRegistry } from 'prom-client'
import { type ConsumerLagStatus, consumerLagStatus, readSpoolUse } from './consumer-lag.ts'

export interface ConsumerLagMonitor {
  /** Reads the lags now; logs a consumer that fell behind (warn) or caught up again (info). */
  check(): Promise<ConsumerLagStatus>
  stop(): void
}

/**
 * `courtyard_spool_consumer_lag_bytes{consumer}`, and a periodic check that warns once when a consumer
 * falls behind (and says when it caught up), so an operator hears of it before the spool is full.
 */
export function startConsumerLagMonitor(opts: {
  dir: string
  maxBytes: number
  /** the writer's free-space reserve (default: its default) */
  reserveBytes?: number
  fraction?: number
  log: Logger
  metrics: MetricsRegistry
  /** default 10 s */
  intervalMs?: number
  /** called on each change of the set of consumers behind (e.g. to alert operators) */
  onChange?: (status: ConsumerLagStatus) => void
}): ConsumerLagMonitor {
  const log = opts.log.child({ component: 'spool-consumers' })
  let last: ConsumerLagStatus | undefined
  let warned = new Set<string>()
  // one check at a time (timer, /readyz and /metrics may ask together): each change is logged once
  let queue: Promise<unknown> = Promise.resolve()
  const check = (): Promise<ConsumerLagStatus> => {
    const run = queue.then(checkNow)
    queue = run.catch(() => undefined)
    return run
  }
  const checkNow = async (): Promise<ConsumerLagStatus> => {
    const use = await readSpoolUse(opts.dir, opts)
    const status = consumerLagStatus(use.lags, { maxBytes: use.capacityBytes, fraction: opts.fraction })
    last = status
    const now = new Set(status.behind)
    for (const consumer of now) {
      if (warned.has(consumer)) continue
      log.warn(
        {
          consumer,
          lagBytes: status.lagBytes[consumer],
          thresholdBytes: status.thresholdBytes,
          maxBytes: opts.maxBytes,
        },
        'spool consumer far behind: the spool keeps every record it has not read, and once the spool is full the broker stops acknowledging devices',
      )
    }
    for (const consumer of warned) {
      if (!now.has(consumer))
        log.info({ consumer, lagBytes: status.lagBytes[consumer] ?? 0 }, 'spool consumer caught up')
    }
    const changed = now.size !== warned.size || [...now].some((c) => !warned.has(c))
    warned = now
    if (changed) opts.onChange?.(status)
    return status
  }
  opts.metrics.removeSingleMetric('courtyard_spool_consumer_lag_bytes')
  new Gauge({
    name: 'courtyard_spool_consumer_lag_bytes',
    help: 'bytes in the spool after each consumer checkpoint (a consumer far behind keeps segments from being deleted)',
    labelNames: ['consumer'],
    registers: [opts.metrics],
    async collect() {
      const status = await check().catch(() => last)
      this.reset()
      for (const [consumer, bytes] of Object.entries(status?.lagBytes ?? {})) this.set({ consumer }, bytes)
    },
  })
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    check()
      .catch((err: unknown) => log.error({ err }, 'spool consumer lag not read'))
      .finally(() => {
        running = false
      })
  }, opts.intervalMs ?? 10_000)
  timer.unref()
  return { check, stop: () => clearInterval(timer) }
}
