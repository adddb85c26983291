// Outdoor-display rules: display_blank (black or frozen while powered, inside operating hours),
// display_overheat (cabinet temperature), display_hardware (fan, modules, supply rail).
// Tamper and smoke share the event rules (events.ts).
import type { DisplayFault, DisplayHardwareEvidence } from '../../domain/alerts.ts'
import { unreachable } from '../../domain/errors.ts'
import type { OutdoorDisplayTelemetry } from '../../domain/protocol.ts'
import { fmt, type RuleContext, S, type Signals } from './context.ts'
import { inOperatingHours } from './local-time.ts'
import type { RulesState } from './state.ts'
import { stepHold } from './thresholds.ts'

export function displayBlank(
  s: RulesState,
  ctx: RuleContext,
  t: OutdoorDisplayTelemetry,
  restart: boolean,
  out: Signals,
): void {
  // a card that does not report the screen says nothing either way (protocol: omitted fields)
  if (t.screen === undefined) return
  const c = ctx.cfg
  // `black` means powered but showing nothing, so only an explicit powerOn: false excuses it
  const dark = t.powerOn !== false && (t.screen === 'black' || t.screen === 'frozen')
  const active = dark && inOperatingHours(c.operatingHours, t.ts, c.utcOffsetMin)
  // catalogue: cleared when `playing` again, at once
  const r = stepHold(
    s.holds['display_blank'],
    t.ts,
    [{ severity: 'major', active }],
    t.screen === 'playing',
    { holdMs: c.displayBlankHoldS * S, clearHoldMs: 0 },
    restart,
  )
  s.holds = { ...s.holds, display_blank: r.state }
  if (!r.change) return
  if (r.change.kind === 'clear') {
    out.push({
      action: 'clear',
      type: 'display_blank',
      at: t.ts,
      message: 'screen playing again',
      value: t.screen,
    })
    return
  }
  out.push({
    action: 'raise',
    type: 'display_blank',
    severity: r.change.severity,
    at: t.ts,
    message: `screen ${t.screen} while powered, inside operating hours`,
    value: t.screen,
  })
}

export function displayOverheat(
  s: RulesState,
  ctx: RuleContext,
  t: OutdoorDisplayTelemetry,
  restart: boolean,
  out: Signals,
): void {
  const temp = t.cabinetTempC
  if (temp === undefined) return
  const c = ctx.cfg
  const r = stepHold(
    s.holds['display_overheat'],
    t.ts,
    [
      { severity: 'major', active: temp >= c.displayOverheatMajorC },
      { severity: 'critical', active: temp >= c.displayOverheatCriticalC },
    ],
    temp < c.displayOverheatClearC,
    { holdMs: c.displayOverheatHoldS * S, clearHoldMs: c.displayOverheatClearHoldS * S },
    restart,
  )
  s.holds = { ...s.holds, display_overheat: r.state }
  if (!r.change) return
  if (r.change.kind === 'clear') {
    out.push({
      action: 'clear',
      type: 'display_overheat',
      at: t.ts,
      message: `cabinet back under ${fmt(c.displayOverheatClearC)} °C`,
      value: temp,
    })
    return
  }
  const line = r.change.severity === 'critical' ? c.displayOverheatCriticalC : c.displayOverheatMajorC
  out.push({
    action: 'raise',
    type: 'display_overheat',
    severity: r.change.severity,
    at: t.ts,
    message: `cabinet at ${fmt(temp)} °C (≥ ${fmt(line)} °C)`,
    value: temp,
  })
}

/** Pure: the hardware faults a reading shows; undefined when it reports none of the three signals. */
export function hardwareFaults(
  t: OutdoorDisplayTelemetry,
  minV: number,
  maxV: number,
): DisplayFault[] | undefined {
  if (t.fanOk === undefined && t.failedModules === undefined && t.supplyVoltageV === undefined)
    return undefined
  const faults: DisplayFault[] = []
  if (t.fanOk === false) faults.push({ fault: 'fan' })
  if (t.failedModules !== undefined && t.failedModules > 0)
    faults.push({ fault: 'modules', count: t.failedModules })
  if (t.supplyVoltageV !== undefined && (t.supplyVoltageV < minV || t.supplyVoltageV > maxV))
    faults.push({ fault: 'supply', voltageV: t.supplyVoltageV, minV, maxV })
  return faults
}

/** A fault in the alert's English message. */
function faultText(f: DisplayFault): string {
  switch (f.fault) {
    case 'fan':
      return 'fan failed'
    case 'modules':
      return f.count === undefined ? 'module failure' : `${f.count} failed modules`
    case 'supply':
      return `supply ${fmt(f.voltageV)} V outside ${fmt(f.minV)}–${fmt(f.maxV)} V`
    default:
      return unreachable(f, 'display fault')
  }
}

/** A reading (or a `module_failure` event: faults given) at `ts`. */
export function displayHardware(
  s: RulesState,
  ctx: RuleContext,
  ts: number,
  faults: DisplayFault[],
  restart: boolean,
  out: Signals,
): void {
  const c = ctx.cfg
  const bad = faults.length > 0
  const r = stepHold(
    s.holds['display_hardware'],
    ts,
    [{ severity: 'warning', active: bad }],
    !bad,
    { holdMs: c.displayHardwareHoldS * S, clearHoldMs: c.displayHardwareClearHoldS * S },
    restart,
  )
  s.holds = { ...s.holds, display_hardware: r.state }
  if (!r.change) return
  if (r.change.kind === 'clear') {
    out.push({ action: 'clear', type: 'display_hardware', at: ts, message: 'hardware back to normal' })
    return
  }
  const evidence: DisplayHardwareEvidence = { faults }
  out.push({
    action: 'raise',
    type: 'display_hardware',
    severity: r.change.severity,
    at: ts,
    message: faults.map(faultText).join('; '),
    evidence,
  })
}
