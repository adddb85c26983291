// Counting and logging rejected device messages without letting a misbehaving device (or a flood of
// random ids) fill the disk or the memory: one warn per device and reason per `logIntervalMs` (with the number
// suppressed), payloads only at debug, and a bounded per-device table (Prometheus labels per device
// id would be unbounded, so the per-device view lives in ingest stats instead).
import type { Logger } from 'pino'
import type { DecodeReason } from '../domain/decode-message.ts'
import type { IngestMetrics } from './metrics.ts'

/** Why ingest set a message aside: the decoder's reasons, or one the line-protocol encoder could not take. */
export type RejectionReason = DecodeReason | 'unencodable'

export interface DeviceRejections {
  total: number
  lastReason: RejectionReason
  lastDetail: string
  lastAt: number
}

export interface RejectionTracker {
  record(deviceId: string | undefined, reason: RejectionReason, detail: string, payload: Buffer): void
  byReason(): Partial<Record<RejectionReason, number>>
  byDevice(): Record<string, DeviceRejections>
  total(): number
}

export function createRejectionTracker(opts: {
  log: Logger
  metrics: Pick<IngestMetrics, 'rejected'>
  now: () => number
  maxDevices?: number
  logIntervalMs?: number
  /**
   * Called after each message set aside is counted (and warned of, unless that warning was suppressed). A
   * throw from it is caught and logged once: what was counted stays counted and ingest goes on.
   */
  onRecord?: () => void
}): RejectionTracker {
  const { log, metrics, now } = opts
  const maxDevices = opts.maxDevices ?? 1000
  const logIntervalMs = opts.logIntervalMs ?? 10_000
  const reasons: Partial<Record<RejectionReason, number>> = {}
  const devices = new Map<string, DeviceRejections>()
  const lastLog = new Map<string, { at: number; suppressed: number }>()
  let total = 0
  let onRecordFailed = false

  // the listener's failure is its own (the demo's terminal reminder): thrown on into ingest, it stopped
  // ingest's loop ("ingest loop crashed"), and nothing after that message was stored or committed. Logged
  // the first time only: a listener failing on every message of a flood would log what the warnings are
  // kept from logging
  const tell = (listener: () => void): void => {
    try {
      listener()
    } catch (err) {
      if (!onRecordFailed) log.error({ err }, 'rejected-message listener failed (logged once)')
      onRecordFailed = true
    }
  }

  return {
    record(deviceId, reason, detail, payload) {
      total++
      reasons[reason] = (reasons[reason] ?? 0) + 1
      metrics.rejected.inc({ reason })
      const t = now()
      const key = deviceId ?? '(none)'
      let d = devices.get(key)
      if (d) {
        // re-insert so that Map order is least-recently-rejected first: eviction drops the quietest
        devices.delete(key)
      } else {
        if (devices.size >= maxDevices) devices.delete(devices.keys().next().value!)
        d = { total: 0, lastReason: reason, lastDetail: detail, lastAt: t }
      }
      d.total++
      d.lastReason = reason
      d.lastDetail = detail
      d.lastAt = t
      devices.set(key, d)

      // per device *and* reason: a flood of one kind of error must not hide the first of another
      const logKey = `${key}|${reason}`
      const l = lastLog.get(logKey)
      if (l && t - l.at < logIntervalMs) {
        l.suppressed++
      } else {
        if (!l && lastLog.size >= maxDevices) lastLog.clear()
        log.warn({ deviceId, reason, detail, suppressed: l?.suppressed ?? 0 }, 'payload rejected')
        lastLog.set(logKey, { at: t, suppressed: 0 })
      }
      if (log.isLevelEnabled('debug'))
        log.debug(
          { deviceId, reason, payload: payload.subarray(0, 2048).toString('utf8') },
          'rejected payload',
        )
      if (opts.onRecord) tell(opts.onRecord)
    },
    byReason: () => ({ ...reasons }),
    byDevice: () => Object.fromEntries(devices),
    total: () => total,
  }
}
