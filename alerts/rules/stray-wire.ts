// stray_wire_charging: adapts the detector (alerts/stray-wire-detector.ts) to rule signals.
// Circuit monitors feed their own load; piles feed the shed residual (feeder − Σ ports).

import { deviceText, NAME_MAX } from '../../domain/device-text.ts'
import type { ChargingPileTelemetry, CircuitMonitorTelemetry } from '../../domain/protocol.ts'
import { strayWireParams } from '../settings.ts'
import { detectStrayWire, type StrayWireResult } from '../stray-wire-detector.ts'
import { circuitInput, shedInput } from '../stray-wire-input.ts'
import { detectSettled, initialSettleState } from '../stray-wire-settle.ts'
import { initialStrayWireState, type StrayWireVerdict } from '../stray-wire-types.ts'
import type { RuleContext, Signals } from './context.ts'
import { localTime } from './local-time.ts'
import type { RulesState } from './state.ts'

const hhmm = (ts: number, utcOffsetMin: number): string => {
  const m = localTime(ts, utcOffsetMin).minuteOfDay
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/**
 * The detector's windows count readings a minute apart (domain.md: 1-minute telemetry). A device that
 * reports faster is sampled: a reading goes to it when at least this long has passed since the last one.
 */
const DETECTOR_INTERVAL_MS = 50_000

/**
 * Whether the detector takes a reading at `ts`, or it is too soon after the last one it took. Nothing
 * else of the reading is read when it does not: the engine skims such readings (alerts/engine-skim.ts).
 */
export function detectorTakes(s: Pick<RulesState, 'strayWire' | 'strayWireSettle'>, ts: number): boolean {
  const lastTs = lastTakenTs(s)
  return lastTs === undefined || ts - lastTs >= DETECTOR_INTERVAL_MS
}

/** The last reading the detector took: the one held back before it, if any, is newer than its own. */
export function lastTakenTs(
  s: Partial<Pick<RulesState, 'strayWire' | 'strayWireSettle'>>,
): number | undefined {
  return s.strayWireSettle?.held?.ts ?? s.strayWire?.lastTs ?? undefined
}

export function strayWire(
  s: RulesState,
  ctx: RuleContext,
  t: CircuitMonitorTelemetry | ChargingPileTelemetry,
  out: Signals,
): void {
  if (!detectorTakes(s, t.ts)) return
  const reading = t.kind === 'circuit-monitor' ? circuitInput(t) : shedInput(t)
  // a reading without the watts the detector needs (the protocol lets a device omit them) is skipped
  if (reading === undefined) return
  const params = strayWireParams(ctx.cfg)
  const state = s.strayWire ?? initialStrayWireState()
  let results: StrayWireResult[]
  // a shed's residual goes straight on (and its state keeps no settle stage of its own)
  if (reading.source === 'shed' && !s.strayWireSettle?.held)
    results = [detectStrayWire(state, reading, params)]
  else {
    // an averaging meter's partial minute is dropped: a reading that moved reaches the detector with the next
    const step = detectSettled(s.strayWireSettle ?? initialSettleState(), state, reading, params)
    s.strayWireSettle = step.settle
    results = step.results
  }
  for (const r of results) {
    s.strayWire = r.state
    if (r.verdict) signal(ctx, t, r.verdict, out)
  }
}

function signal(
  ctx: RuleContext,
  t: CircuitMonitorTelemetry | ChargingPileTelemetry,
  v: StrayWireVerdict,
  out: Signals,
): void {
  const where =
    t.kind === 'circuit-monitor'
      ? `on circuit ${(t.circuit && deviceText(t.circuit, NAME_MAX)) || ctx.device.id}`
      : 'in the shed, not on a port'
  const since = hhmm(v.onsetTs, ctx.cfg.utcOffsetMin)
  if (v.kind === 'clear') {
    out.push({
      action: 'clear',
      type: 'stray_wire_charging',
      at: v.ts,
      message: `charger-shaped load ${where} gone (since ${since})`,
    })
    return
  }
  if (v.kind === 'raise' && v.replacesOnsetTs !== undefined) {
    // one open alert per circuit (README "Alerts"), and a raise on it is a quiet repeat that keeps its
    // message: the newcomer is its own alert, so that the crew is paged for it with its own onset. The
    // alert of the load before is closed saying why, not that the load left.
    out.push({
      action: 'clear',
      type: 'stray_wire_charging',
      at: v.ts,
      message:
        `charger-shaped load ${where} since ${hhmm(v.replacesOnsetTs, ctx.cfg.utcOffsetMin)}: ` +
        `another one arrived at ${since}, raised as its own alert`,
    })
  }
  out.push({
    action: 'raise',
    type: 'stray_wire_charging',
    severity: v.severity,
    at: v.ts,
    message:
      v.kind === 'raise'
        ? `charger-shaped load of ${v.powerW} W ${where} since ${since}: ${v.evidence.why.join('; ')}`
        : `charger-shaped load ${where} since ${since}, still on at night`,
    ...(v.kind === 'raise'
      ? { value: v.powerW, evidence: { ...v.evidence } as unknown as Record<string, unknown> }
      : {}),
  })
}
