// A tiny stand-in for the catalogue rules (alerts/rules/), enough to drive the engine: port
// overheat with a hold time (major ≥ 65 °C, critical ≥ 75 °C with stop_port, cleared < 55 °C), port
// faults per port, and offline after 3 report intervals. Level-triggered like the real rules: a raise on
// every reading while the condition holds, so the engine's dedup is what keeps one alert.
import type {
  AlertSettings,
  DeviceRuleState,
  EvaluateDevice,
  EvaluateOffline,
  RuleSignal,
} from '../../../alerts/types.ts'

export const HOLD_MS = 60_000

interface PortHold {
  since?: number
}
interface TestState {
  lastSeenMs?: number
  offline?: boolean
  ports?: Record<string, PortHold>
}

export const testEvaluateDevice: EvaluateDevice = (state, input) => {
  const s = structuredClone(state) as TestState
  const signals: RuleSignal[] = []
  const { msg } = input
  if (s.offline) {
    s.offline = false
    const at =
      msg.type === 'telemetry' ? msg.reading.ts : msg.type === 'event' ? msg.event.ts : input.arrivalMs
    signals.push({ action: 'clear', type: 'device_offline', at })
  }
  s.lastSeenMs = Math.max(s.lastSeenMs ?? 0, input.arrivalMs)
  if (msg.type === 'event') {
    const e = msg.event
    if (e.event === 'port_fault')
      signals.push({
        action: 'raise',
        type: 'port_fault',
        port: e.port,
        severity: 'critical',
        at: e.ts,
        message: `port ${e.port}: ${e.code}`,
        value: e.code,
      })
    if (e.event === 'port_fault_cleared')
      signals.push({ action: 'clear', type: 'port_fault', port: e.port, at: e.ts })
  }
  if (msg.type === 'telemetry' && msg.reading.kind === 'charging-pile') {
    const r = msg.reading
    s.ports ??= {}
    for (const p of r.ports ?? []) {
      if (p.tempC === undefined) continue
      s.ports[p.port] ??= {}
      const h = s.ports[p.port]!
      if (p.tempC >= 65) {
        h.since ??= r.ts
        if (r.ts - h.since >= HOLD_MS) {
          const critical = p.tempC >= 75
          signals.push({
            action: 'raise',
            type: 'port_overheat',
            port: p.port,
            severity: critical ? 'critical' : 'major',
            at: r.ts,
            message: `port ${p.port} at ${p.tempC} °C`,
            value: p.tempC,
            ...(critical
              ? { command: { name: 'stop_port' as const, args: { port: p.port, reason: 'overheat' } } }
              : {}),
          })
        }
      } else {
        h.since = undefined
        if (p.tempC < 55)
          signals.push({ action: 'clear', type: 'port_overheat', port: p.port, at: r.ts, value: p.tempC })
      }
    }
  }
  return { state: s as DeviceRuleState, signals }
}

export const testEvaluateOffline: EvaluateOffline = (state, device, nowMs) => {
  const s = state as TestState
  if (s.offline || s.lastSeenMs === undefined) return { state, signals: [] }
  if (nowMs - s.lastSeenMs < 3 * device.reportIntervalS * 1000) return { state, signals: [] }
  return {
    state: { ...s, offline: true },
    signals: [
      {
        action: 'raise',
        type: 'device_offline',
        severity: device.kind === 'charging-pile' ? 'major' : 'warning',
        at: nowMs,
        message: 'no message for 3 report intervals',
      },
    ],
  }
}

export const testResolveSettings = (
  site: Record<string, unknown> | undefined,
  device: Record<string, unknown> | undefined,
): AlertSettings => ({ utcOffsetMin: 480, ...site, ...device })
