// Alert changes as InfluxDB points (measurement `alert_event`) for Grafana annotations. A bus listener
// that only formats a line and buffers it: writes are batched on a timer and never block the engine.
// Annotations are a convenience copy (alerts.db is the record): after `maxAttempts` failed writes a
// batch is dropped and counted, and a full buffer drops its oldest lines, counted too.
import type { Logger } from 'pino'
import { Counter, type Registry as MetricsRegistry } from 'prom-client'
import { MEASUREMENT } from '../domain/storage.ts'
import { floatField, intField, seriesKey, stringField } from '../influx/line-protocol.ts'
import type { InfluxClient } from '../influx/types.ts'
import type { DeviceDirectory } from '../registry/types.ts'
import type { AlertBus, AlertChange } from './types.ts'

export interface AlertAnnotationsOptions {
  bus: AlertBus
  influx: Pick<InfluxClient, 'write'>
  directory: Pick<DeviceDirectory, 'findDevice'>
  log: Logger
  metrics: MetricsRegistry
  /** default 1000 */
  flushIntervalMs?: number
  /** lines per write (default 1000) */
  maxBatch?: number
  /** lines kept while InfluxDB is down (default 20 000) */
  maxBuffered?: number
  /** write attempts per batch before it is dropped (default 5) */
  maxAttempts?: number
}

export interface AlertAnnotations {
  /** Writes what is buffered now (one attempt per batch); resolves when done, never rejects. */
  flush(): Promise<void>
  /** Stops listening and makes a last flush. */
  close(): Promise<void>
}

export function startAlertAnnotations(opts: AlertAnnotationsOptions): AlertAnnotations {
  const log = opts.log.child({ component: 'alert-annotations' })
  const maxBatch = opts.maxBatch ?? 1000
  const maxBuffered = opts.maxBuffered ?? 20_000
  const maxAttempts = opts.maxAttempts ?? 5
  for (const n of ['courtyard_alert_annotations_written_total', 'courtyard_alert_annotations_dropped_total'])
    opts.metrics.removeSingleMetric(n)
  const written = new Counter({
    name: 'courtyard_alert_annotations_written_total',
    help: 'alert changes written to InfluxDB (alert_event)',
    registers: [opts.metrics],
  })
  const dropped = new Counter({
    name: 'courtyard_alert_annotations_dropped_total',
    help: 'alert changes not written to InfluxDB, by reason (write_failed, buffer_full, encode)',
    labelNames: ['reason'] as const,
    registers: [opts.metrics],
  })

  let buffer: string[] = []
  let attempts = 0
  // the sub-millisecond part keeps two changes of one alert in the same ms apart (InfluxDB would merge them)
  let seq = 0

  const toLine = (c: AlertChange): string => {
    const { alert, transition } = c
    const d = opts.directory.findDevice(alert.deviceId, { includeDecommissioned: true })
    // tags only from the registry and closed enums (domain/storage.ts)
    const key = seriesKey(MEASUREMENT.alert, {
      tenant: c.tenantId,
      community: d?.communityId,
      site: alert.siteId,
      device: alert.deviceId,
      type: alert.type,
      severity: alert.severity,
    })
    let fields = `state=${stringField(alert.state)},kind=${stringField(transition.kind)},alertId=${stringField(alert.id)}`
    fields += `,message=${stringField(alert.message)},count=${intField(alert.count)}`
    if (alert.port !== undefined) fields += `,port=${intField(alert.port)}`
    if (typeof transition.value === 'number') fields += `,value=${floatField(transition.value)}`
    if (transition.by !== 'system') fields += `,by=${stringField(transition.by)}`
    seq = (seq + 1) % 1_000_000
    return `${key} ${fields} ${transition.at}${String(seq).padStart(6, '0')}`
  }

  const onChange = (c: AlertChange) => {
    try {
      buffer.push(toLine(c))
    } catch (err) {
      dropped.inc({ reason: 'encode' })
      log.warn({ alertId: c.alert.id, err: (err as Error).message }, 'annotation not encoded')
      return
    }
    if (buffer.length > maxBuffered) {
      const n = buffer.length - maxBuffered
      buffer = buffer.slice(n)
      dropped.inc({ reason: 'buffer_full' }, n)
    }
    if (buffer.length >= maxBatch) void flush()
  }
  opts.bus.on('change', onChange)

  let flushing: Promise<void> | undefined
  const flushOnce = async () => {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, maxBatch)
      try {
        await opts.influx.write(batch.join('\n'))
        buffer = buffer.slice(batch.length)
        written.inc(batch.length)
        attempts = 0
      } catch (err) {
        attempts++
        if (attempts < maxAttempts) {
          log.warn(
            { err: (err as Error).message, attempts, lines: batch.length },
            'annotations not written, will retry',
          )
          return
        }
        buffer = buffer.slice(batch.length)
        dropped.inc({ reason: 'write_failed' }, batch.length)
        attempts = 0
        log.error({ err: (err as Error).message, lines: batch.length }, 'annotations dropped after retries')
        return
      }
    }
  }
  const flush = (): Promise<void> => {
    flushing ??= flushOnce().finally(() => {
      flushing = undefined
    })
    return flushing
  }

  const timer = setInterval(() => void flush(), opts.flushIntervalMs ?? 1000).unref()
  return {
    flush,
    async close() {
      opts.bus.off('change', onChange)
      clearInterval(timer)
      await flushing
      await flush()
    },
  }
}
