// device_offline: the one wall-clock rule. No message for offlineIntervals × reportIntervalS, or a Will
// `offline` that nothing followed for offlineWillHoldS, raises (warning; major for charging piles, a shed
// without supervision is the fire risk); any message from the device clears.
import type { DeviceOfflineEvidence } from '../../domain/alerts.ts'
import type { DecodedMessage } from '../../domain/decode-message.ts'
import { catalogueSettings } from '../settings.ts'
import type { EvaluateOffline, RuleDevice, RuleSignal } from '../types.ts'
import { S, type Signals } from './context.ts'
import { type RulesState, readRulesState } from './state.ts'

export const offlineSeverity = (device: RuleDevice) => (device.kind === 'charging-pile' ? 'major' : 'warning')

/** Every decoded message but a Will is the device speaking: it resets the timeout and clears offline. */
export function noteArrival(s: RulesState, msg: DecodedMessage, arrivalMs: number, out: Signals): void {
  if (msg.type === 'status' && !msg.online) {
    // the first Will counts: a repeated retained `offline` must not push the hold time back
    if (s.willOfflineAt === null) s.willOfflineAt = arrivalMs
    return
  }
  s.lastMessageAt = s.lastMessageAt === null ? arrivalMs : Math.max(s.lastMessageAt, arrivalMs)
  s.willOfflineAt = null
  if (!s.offline) return
  s.offline = false
  out.push({ action: 'clear', type: 'device_offline', at: arrivalMs, message: 'device is sending again' })
}

export const evaluateOffline: EvaluateOffline = (state, device, nowMs, settings, heardSinceMs) => {
  const s = readRulesState(state)
  if (s.offline) return { state, signals: [] }
  const cfg = catalogueSettings(settings)
  const timeoutMs = cfg.offlineIntervals * device.reportIntervalS * S
  const willHoldMs = cfg.offlineWillHoldS * S
  // after a restart every device gets its full timeout (and a Will its hold) from when the engine began
  // listening: the fleet was silent because the service was down, and comes back within seconds
  const since = heardSinceMs ?? Number.NEGATIVE_INFINITY
  let raise: { at: number; message: string; evidence: DeviceOfflineEvidence } | undefined
  if (s.lastMessageAt !== null) {
    const at = Math.max(s.lastMessageAt, since) + timeoutMs
    if (nowMs >= at)
      raise = {
        at,
        message: `no message for ${Math.round(timeoutMs / S)} s (${cfg.offlineIntervals} × report interval)`,
        // the device's own last message, though the timeout may have run from the engine's restart
        evidence: {
          reason: 'silent',
          lastMessageAt: s.lastMessageAt,
          reportIntervalS: device.reportIntervalS,
          intervals: cfg.offlineIntervals,
        },
      }
  }
  if (s.willOfflineAt !== null) {
    const at = Math.max(s.willOfflineAt, since) + willHoldMs
    if (nowMs >= at && (raise === undefined || at < raise.at))
      raise = {
        at,
        message: `disconnected (Will offline) for ${Math.round(willHoldMs / S)} s`,
        evidence: {
          reason: 'will',
          disconnectedAt: s.willOfflineAt,
          holdS: cfg.offlineWillHoldS,
          ...(s.lastMessageAt === null ? {} : { lastMessageAt: s.lastMessageAt }),
        },
      }
  }
  if (raise === undefined) return { state, signals: [] }
  s.offline = true
  const signal: RuleSignal = {
    action: 'raise',
    type: 'device_offline',
    severity: offlineSeverity(device),
    ...raise,
  }
  return { state: s, signals: [signal] }
}
