// Scenario runner for the rules: feeds messages (and offline ticks) to evaluateDevice/evaluateOffline,
// twice — once keeping the state as returned (deep-frozen, so any mutation of an input throws), once
// round-tripping it through JSON between every step as the engine's persistence does — and checks both
// runs give identical signals.
import { expect } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import {
  type AlertSettingsOverride,
  DEFAULT_ALERT_SETTINGS,
  resolveSettings,
} from '../../../alerts/settings.ts'
import type { AlertSettings, DeviceRuleState, RuleDevice, RuleSignal } from '../../../alerts/types.ts'
import type { DecodedMessage } from '../../../domain/decode-message.ts'
import type {
  ChargingPileTelemetry,
  CircuitMonitorTelemetry,
  DaycareSensorTelemetry,
  DeviceEvent,
  DeviceKind,
  OutdoorDisplayTelemetry,
  PilePort,
} from '../../../domain/protocol.ts'

export const MIN = 60_000
export const SEC = 1000

/** A local (UTC+8) time as epoch ms. */
export const local = (isoWithoutZone: string): number => Date.parse(`${isoWithoutZone}+08:00`)

export const device = (kind: DeviceKind, reportIntervalS = 60): RuleDevice => ({
  id: `dev-${kind}`,
  kind,
  siteId: 'site-1',
  tenantId: 'tenant-1',
  reportIntervalS,
})

export const settings = (over?: AlertSettingsOverride): AlertSettings =>
  resolveSettings(DEFAULT_ALERT_SETTINGS, over)

/** A message arriving at `arrivalMs` (default: its own ts, i.e. live), or an offline tick at `tickMs`. */
export type Step = { msg: DecodedMessage; arrivalMs?: number } | { tickMs: number }

let seq = 0

export function pile(
  ts: number,
  o: {
    ports?: Partial<PilePort>[]
    leakageMA?: number
    smoke?: boolean
    feederPowerW?: number
  } = {},
): Step {
  const ports: PilePort[] = (o.ports ?? [{ port: 1 }]).map((p, i) => ({
    port: p.port ?? i + 1,
    state: p.state ?? 'idle',
    powerW: p.powerW ?? 0,
    ...(p.tempC !== undefined ? { tempC: p.tempC } : {}),
  }))
  const portsW = ports.reduce((a, p) => a + (p.powerW ?? 0), 0)
  const reading: ChargingPileTelemetry = {
    ts,
    seq: seq++,
    kind: 'charging-pile',
    feeder: {
      voltageV: 229,
      currentA: 1,
      powerW: o.feederPowerW ?? portsW + 40,
      ...(o.leakageMA !== undefined ? { leakageMA: o.leakageMA } : {}),
    },
    ...(o.smoke !== undefined ? { smoke: o.smoke } : {}),
    ports,
  }
  return { msg: { type: 'telemetry', deviceId: 'dev-charging-pile', kind: 'charging-pile', reading } }
}

export function circuit(ts: number, powerW: number, powerFactor?: number, currentThdPct?: number): Step {
  const reading: CircuitMonitorTelemetry = {
    ts,
    seq: seq++,
    kind: 'circuit-monitor',
    circuit: 'B3-stairwell',
    voltageV: 228,
    currentA: powerW / 228,
    powerW,
    ...(powerFactor !== undefined ? { powerFactor } : {}),
    ...(currentThdPct !== undefined ? { currentThdPct } : {}),
  }
  return { msg: { type: 'telemetry', deviceId: 'dev-circuit-monitor', kind: 'circuit-monitor', reading } }
}

export function room(ts: number, o: Partial<Omit<DaycareSensorTelemetry, 'ts' | 'kind' | 'seq'>>): Step {
  const reading: DaycareSensorTelemetry = { ts, seq: seq++, kind: 'daycare-sensor', room: 'activity', ...o }
  return { msg: { type: 'telemetry', deviceId: 'dev-daycare-sensor', kind: 'daycare-sensor', reading } }
}

export function display(
  ts: number,
  o: Partial<Omit<OutdoorDisplayTelemetry, 'ts' | 'kind' | 'seq'>> = {},
): Step {
  const reading: OutdoorDisplayTelemetry = {
    ts,
    seq: seq++,
    kind: 'outdoor-display',
    powerOn: true,
    screen: 'playing',
    ...o,
  }
  return { msg: { type: 'telemetry', deviceId: 'dev-outdoor-display', kind: 'outdoor-display', reading } }
}

export function event(kind: DeviceKind, ts: number, name: string, extra: Record<string, unknown> = {}): Step {
  const e = { ts, seq: seq++, kind, event: name, ...extra } as unknown as DeviceEvent
  return { msg: { type: 'event', deviceId: `dev-${kind}`, kind, event: e } }
}

export const status = (kind: DeviceKind, online: boolean, arrivalMs: number): Step => ({
  msg: { type: 'status', deviceId: `dev-${kind}`, online, source: 'device' },
  arrivalMs,
})

export const tick = (tickMs: number): Step => ({ tickMs })

/** One step per minute from `from`, `values[i]` at minute i (undefined: a missing minute). */
export function perMinute<T>(
  from: number,
  values: (T | undefined)[],
  build: (ts: number, v: T) => Step,
): Step[] {
  const steps: Step[] = []
  values.forEach((v, i) => {
    if (v !== undefined) steps.push(build(from + i * MIN, v))
  })
  return steps
}

export const repeat = <T>(v: T, n: number): T[] => Array.from({ length: n }, () => v)

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}

function runOnce(dev: RuleDevice, steps: Step[], cfg: AlertSettings, persist: boolean) {
  let state: DeviceRuleState = {}
  const perStep: RuleSignal[][] = []
  for (const step of steps) {
    const r =
      'tickMs' in step
        ? evaluateOffline(state, dev, step.tickMs, cfg)
        : evaluateDevice(state, {
            device: dev,
            msg: step.msg,
            arrivalMs: step.arrivalMs ?? msgTs(step.msg),
            settings: cfg,
          })
    perStep.push(r.signals)
    state = persist ? (JSON.parse(JSON.stringify(r.state)) as DeviceRuleState) : deepFreeze(r.state)
  }
  return { perStep, state }
}

const msgTs = (m: DecodedMessage): number =>
  m.type === 'telemetry' ? m.reading.ts : m.type === 'event' ? m.event.ts : 0

export interface Outcome {
  signals: RuleSignal[]
  state: DeviceRuleState
}

export function run(dev: RuleDevice, steps: Step[], cfg: AlertSettings = settings()): Outcome {
  const live = runOnce(dev, steps, cfg, false)
  const persisted = runOnce(dev, steps, cfg, true)
  expect(persisted.perStep).toEqual(live.perStep)
  return { signals: live.perStep.flat(), state: live.state }
}

/** What the tests compare: the identity, severity and event time of each signal. */
export function brief(signals: RuleSignal[]) {
  return signals.map((s) => ({
    action: s.action,
    type: s.type,
    ...(s.action === 'raise' ? { severity: s.severity } : {}),
    ...(s.port !== undefined ? { port: s.port } : {}),
    ...(s.key !== undefined ? { key: s.key } : {}),
    at: s.at,
  }))
}
