// Event rules (docs/domain.md "Alert catalogue"): smoke, port faults, emergency call, fall,
// wandering and display tamper. A discrete event raises at its own `ts`; each repeat while open is a
// `raise` again (the engine bumps count/lastValue). Smoke and tamper also come as telemetry flags.

import { DETAIL_MAX, deviceText, NAME_MAX } from '../../domain/device-text.ts'
import type { DeviceEvent } from '../../domain/protocol.ts'
import type { RuleContext, Signals } from './context.ts'
import { inAnyWindow } from './local-time.ts'
import type { RulesState } from './state.ts'

/** Port fault codes that are a fire or shock risk (catalogue: critical); the rest are major. */
const CRITICAL_FAULT_CODES: ReadonlySet<string> = new Set(['short_circuit', 'leakage', 'over_temperature'])

/** Per alert key, only the newest event counts: a late `port_fault` must not reopen what a later `…_cleared` closed. */
function fresh(s: RulesState, key: string, ts: number): boolean {
  const last = s.eventTs[key]
  if (last !== undefined && ts < last) return false
  s.eventTs = { ...s.eventTs, [key]: ts }
  return true
}

/** `: <detail>` from the device's free text, cleaned (device-text.ts); '' when there is none. */
function detail(e: { detail?: string }): string {
  const d = e.detail ? deviceText(e.detail, DETAIL_MAX) : ''
  return d ? `: ${d}` : ''
}
const name = (s: string | undefined): string => (s ? deviceText(s, NAME_MAX) : '')

// ---- smoke (piles: events and `smoke`; displays: `smoke`) -------------------------------------------

/** `smoke: true` / `smoke_detected` raise at once; `false` / `smoke_cleared` held for smokeClearHoldS clears. */
export function smokeReading(
  s: RulesState,
  ctx: RuleContext,
  ts: number,
  smoke: boolean | undefined,
  fromEvent: boolean,
  text: string,
  out: Signals,
): void {
  const prev = s.smoke
  if (smoke === undefined) {
    // a reading without the flag cannot break a running clear timer, only confirm it
    if (prev.open && prev.clearSince !== null && ts - prev.clearSince >= ctx.cfg.smokeClearHoldS * 1000) {
      s.smoke = { open: false, clearSince: null }
      out.push({
        action: 'clear',
        type: 'smoke',
        at: ts,
        message: 'no smoke for the clear time',
        value: false,
      })
    }
    return
  }
  if (smoke) {
    if (!prev.open || fromEvent)
      out.push({ action: 'raise', type: 'smoke', severity: 'critical', at: ts, message: text, value: true })
    s.smoke = { open: true, clearSince: null }
    return
  }
  if (!prev.open) return
  const clearSince = prev.clearSince ?? ts
  if (ts - clearSince >= ctx.cfg.smokeClearHoldS * 1000) {
    s.smoke = { open: false, clearSince: null }
    out.push({ action: 'clear', type: 'smoke', at: ts, message: 'no smoke for the clear time', value: false })
    return
  }
  s.smoke = { open: true, clearSince }
}

// ---- display tamper ---------------------------------------------------------------------------------

/** Door open outside a maintenance window raises; closed clears. */
export function doorReading(
  s: RulesState,
  ctx: RuleContext,
  ts: number,
  open: boolean,
  fromEvent: boolean,
  out: Signals,
): void {
  const prev = s.tamper
  if (!open) {
    s.tamper = { open: false }
    if (prev.open)
      out.push({
        action: 'clear',
        type: 'display_tamper',
        at: ts,
        message: 'cabinet door closed',
        value: false,
      })
    return
  }
  // a technician inside a maintenance window: expected, not tamper
  if (inAnyWindow(ctx.cfg.maintenanceWindows, ts, ctx.cfg.utcOffsetMin)) {
    return
  }
  s.tamper = { open: true }
  if (!prev.open || fromEvent)
    out.push({
      action: 'raise',
      type: 'display_tamper',
      severity: 'major',
      at: ts,
      message: 'cabinet door opened outside a maintenance window',
      value: true,
    })
}

// ---- events -----------------------------------------------------------------------------------------

export function applyEvent(s: RulesState, ctx: RuleContext, e: DeviceEvent, out: Signals): void {
  switch (e.event) {
    case 'port_fault': {
      const key = `port_fault:${e.port}:${e.code}`
      if (!fresh(s, key, e.ts)) return
      out.push({
        action: 'raise',
        type: 'port_fault',
        port: e.port,
        key: e.code,
        severity: CRITICAL_FAULT_CODES.has(e.code) ? 'critical' : 'major',
        at: e.ts,
        message: `port ${e.port} fault ${e.code}${detail(e)}`,
        value: e.code,
      })
      return
    }
    case 'port_fault_cleared': {
      if (!fresh(s, `port_fault:${e.port}:${e.code}`, e.ts)) return
      out.push({
        action: 'clear',
        type: 'port_fault',
        port: e.port,
        key: e.code,
        at: e.ts,
        message: `port ${e.port} fault ${e.code} cleared`,
        value: e.code,
      })
      return
    }
    case 'smoke_detected':
      // events are judged against events only: telemetry has its own order (lastTs), and a smoke or
      // door event must not be lost to a reading that happened to arrive first
      if (!fresh(s, 'smoke', e.ts)) return
      smokeReading(s, ctx, e.ts, true, true, `smoke detected${detail(e)}`, out)
      return
    case 'smoke_cleared':
      if (!fresh(s, 'smoke', e.ts)) return
      smokeReading(s, ctx, e.ts, false, true, 'smoke cleared', out)
      return
    case 'emergency_call': {
      const room = name(e.room)
      out.push({
        action: 'raise',
        type: 'emergency_call',
        severity: 'critical',
        at: e.ts,
        message: `emergency call${room ? ` in ${room}` : ''}${detail(e)}`,
        ...(room ? { value: room } : {}),
      })
      return
    }
    case 'fall_detected': {
      // a sensor that sends no confidence has made up its own mind
      const confidence = e.confidence ?? 1
      if (confidence < ctx.cfg.fallMinConfidence) return
      const room = name(e.room)
      out.push({
        action: 'raise',
        type: 'fall_detected',
        severity: 'critical',
        at: e.ts,
        message: `fall detected${room ? ` in ${room}` : ''} (confidence ${confidence})`,
        value: confidence,
      })
      return
    }
    case 'door_open_after_hours': {
      const door = name(e.door)
      out.push({
        action: 'raise',
        type: 'wandering',
        severity: 'major',
        at: e.ts,
        message: `door open after hours${door ? `: ${door}` : ''}`,
        ...(door ? { value: door } : {}),
      })
      return
    }
    case 'door_opened':
      if (!fresh(s, 'display_tamper', e.ts)) return
      doorReading(s, ctx, e.ts, true, true, out)
      return
    case 'door_closed':
      if (!fresh(s, 'display_tamper', e.ts)) return
      doorReading(s, ctx, e.ts, false, true, out)
      return
    default:
      return
  }
}
