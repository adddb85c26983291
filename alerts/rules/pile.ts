// Charging-pile threshold rules: port_overheat per port (auto stop_port at critical) and feeder leakage.
import type { ChargingPileTelemetry } from '../../domain/protocol.ts'
import { fmt, type RuleContext, S, type Signals } from './context.ts'
import type { RulesState } from './state.ts'
import { stepHold } from './thresholds.ts'

/**
 * A stop_port's arguments: the same for every attempt of one alert (the line, not the reading's
 * temperature, which the alert's message carries), so an attempt asked again after a restart is the same
 * command id and the command service answers it from its audit instead of sending it twice.
 */
const stopArgs = (port: number, lineC: number) => ({ port, reason: `overheat ≥ ${fmt(lineC)} °C` })

export function portOverheat(
  s: RulesState,
  ctx: RuleContext,
  t: ChargingPileTelemetry,
  restart: boolean,
  out: Signals,
): void {
  const c = ctx.cfg
  const spec = { holdMs: c.portOverheatHoldS * S, clearHoldMs: c.portOverheatClearHoldS * S }
  // one copy of the table per reading, not one per port
  const holds = { ...s.holds }
  s.holds = holds
  for (const p of t.ports ?? []) {
    const key = `port_overheat:${p.port}`
    // a port without a sensor reading says nothing either way
    if (p.tempC === undefined) continue
    const temp = p.tempC
    const r = stepHold(
      s.holds[key],
      t.ts,
      [
        { severity: 'major', active: temp >= c.portOverheatMajorC },
        { severity: 'critical', active: temp >= c.portOverheatCriticalC },
      ],
      temp < c.portOverheatClearC,
      spec,
      restart,
    )
    holds[key] = r.state
    if (!r.change) {
      // still critical and the port still hot or charging: the engine tries stop_port again until one succeeds
      if (r.state.open === 'critical' && (temp >= c.portOverheatCriticalC || p.state === 'charging')) {
        const args = stopArgs(p.port, c.portOverheatCriticalC)
        out.push({
          action: 'protect',
          type: 'port_overheat',
          port: p.port,
          at: t.ts,
          value: temp,
          command: { name: 'stop_port', args },
          charging: p.state === 'charging',
        })
      }
      continue
    }
    const stopKey = String(p.port)
    if (r.change.kind === 'clear') {
      if (s.stopSent[stopKey]) {
        const { [stopKey]: _, ...rest } = s.stopSent
        s.stopSent = rest
      }
      out.push({
        action: 'clear',
        type: 'port_overheat',
        port: p.port,
        at: t.ts,
        message: `port ${p.port} back under ${fmt(c.portOverheatClearC)} °C`,
        value: temp,
      })
      continue
    }
    const severity = r.change.severity
    const line = severity === 'critical' ? c.portOverheatCriticalC : c.portOverheatMajorC
    const message = `port ${p.port} at ${fmt(temp)} °C (≥ ${fmt(line)} °C for ${fmt(c.portOverheatHoldS)} s)`
    if (severity === 'critical' && !s.stopSent[stopKey]) {
      s.stopSent = { ...s.stopSent, [stopKey]: true }
      out.push({
        action: 'raise',
        type: 'port_overheat',
        port: p.port,
        severity,
        at: t.ts,
        message,
        value: temp,
        command: { name: 'stop_port', args: stopArgs(p.port, c.portOverheatCriticalC) },
      })
      continue
    }
    out.push({
      action: 'raise',
      type: 'port_overheat',
      port: p.port,
      severity,
      at: t.ts,
      message,
      value: temp,
    })
  }
}

export function leakage(
  s: RulesState,
  ctx: RuleContext,
  t: ChargingPileTelemetry,
  restart: boolean,
  out: Signals,
): void {
  const ma = t.feeder?.leakageMA
  if (ma === undefined) return
  const c = ctx.cfg
  const r = stepHold(
    s.holds['leakage'],
    t.ts,
    [{ severity: 'critical', active: ma >= c.leakageCriticalMA }],
    ma < c.leakageClearMA,
    { holdMs: c.leakageHoldS * S, clearHoldMs: c.leakageClearHoldS * S },
    restart,
  )
  s.holds = { ...s.holds, leakage: r.state }
  if (!r.change) return
  if (r.change.kind === 'clear') {
    out.push({
      action: 'clear',
      type: 'leakage',
      at: t.ts,
      message: `leakage back under ${fmt(c.leakageClearMA)} mA`,
      value: ma,
    })
    return
  }
  out.push({
    action: 'raise',
    type: 'leakage',
    severity: r.change.severity,
    at: t.ts,
    message: `feeder leakage ${fmt(ma)} mA (≥ ${fmt(c.leakageCriticalMA)} mA)`,
    value: ma,
  })
}
