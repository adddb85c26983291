// The whole catalogue for one decoded message of one device, on event time. Pure: the input state is
// never mutated (the engine keeps it until its transaction commits); the returned state is plain JSON.
import { unreachable } from '../../domain/errors.ts'
import type { DeviceEvent, DeviceKind, Telemetry } from '../../domain/protocol.ts'
import { catalogueSettings } from '../settings.ts'
import type { DeviceRuleState, EvaluateDevice, RuleSignal } from '../types.ts'
import { airQuality } from './air-quality.ts'
import { type RuleContext, S, type Signals } from './context.ts'
import { displayBlank, displayHardware, displayOverheat, hardwareFaults } from './display.ts'
import { applyEvent, doorReading, smokeReading } from './events.ts'
import { noteArrival } from './offline.ts'
import { leakage, portOverheat } from './pile.ts'
import { type RulesState, readRulesState } from './state.ts'
import { detectorTakes, lastTakenTs, strayWire } from './stray-wire.ts'

export const evaluateDevice: EvaluateDevice = (state, input) => {
  const s = readRulesState(state)
  const ctx: RuleContext = {
    device: input.device,
    cfg: catalogueSettings(input.settings),
    arrivalMs: input.arrivalMs,
  }
  const out: RuleSignal[] = []
  const msg = input.msg
  noteArrival(s, msg, input.arrivalMs, out)
  if (msg.type === 'telemetry') applyTelemetry(s, ctx, msg.reading, out)
  else if (msg.type === 'event') applyDeviceEvent(s, ctx, msg.event, out)
  return { state: s, signals: out }
}

/**
 * Whether the catalogue reads any field but `ts` of a valid telemetry reading of `kind` at `ts`, given
 * the device's state. False for a circuit monitor's reading that is late (older than its newest: it moves
 * no timer) or comes too soon for the stray-wire detector (it takes one in 50 s): such a reading only
 * notes the device spoke and moves its reading clock, and the engine need not decode the rest of it
 * (alerts/engine-skim.ts). Must follow applyTelemetry below.
 */
export function readsTelemetryFields(state: DeviceRuleState, kind: DeviceKind, ts: number): boolean {
  if (kind !== 'circuit-monitor') return true
  const s = state as Partial<RulesState>
  // a state the rules have not written yet starts from the initial one
  if (s.v !== 1) return true
  if (s.lastTs !== undefined && s.lastTs !== null && ts <= s.lastTs) return false
  return detectorTakes(s as RulesState, ts)
}

/**
 * Whether a circuit monitor's next reading is likely one the catalogue reads no field but `ts` of: its
 * newest reading went past the stray-wire detector unread (it came too soon after the one the detector
 * took), as most readings of a meter reporting faster than every 50 s do. Only a hint for the engine,
 * asked before it has the reading's `ts`: it skims only where readsTelemetryFields then says so. A meter
 * reporting once a minute (domain.md) has every reading taken, and reading its bytes first would only
 * add to their full decode.
 */
export function skimLikely(state: DeviceRuleState, kind: DeviceKind): boolean {
  if (kind !== 'circuit-monitor') return false
  const s = state as Partial<RulesState>
  if (s.v !== 1 || s.lastTs === undefined || s.lastTs === null) return false
  const taken = lastTakenTs(s)
  return taken !== undefined && s.lastTs > taken
}

/** Events remembered per device to know a redelivery: more than a device resends after a reconnect. */
const RECENT_EVENTS = 32

/**
 * protocol.md: (device, seq, ts) identifies a message. A QoS 1 event the broker stored but whose PUBACK
 * a crash lost comes again; it is the same event, not a repeat to count.
 */
function seenBefore(s: RulesState, e: DeviceEvent): boolean {
  const id = `${e.ts}:${e.seq}`
  if (s.recentEvents.includes(id)) return true
  s.recentEvents = [...s.recentEvents.slice(1 - RECENT_EVENTS), id]
  return false
}

function applyDeviceEvent(s: RulesState, ctx: RuleContext, e: DeviceEvent, out: Signals): void {
  if (seenBefore(s, e)) return
  if (e.event === 'module_failure') {
    // the hold timers run on telemetry time: an event older than the newest reading cannot join them
    if (s.lastTs !== null && e.ts < s.lastTs) return
    const n = e.modules
    displayHardware(
      s,
      ctx,
      e.ts,
      [n === undefined ? { fault: 'modules' } : { fault: 'modules', count: n }],
      false,
      out,
    )
    return
  }
  applyEvent(s, ctx, e, out)
}

function applyTelemetry(s: RulesState, ctx: RuleContext, t: Telemetry, out: Signals): void {
  // a late, out-of-order or redelivered reading is stored by ingest but moves no timer here
  if (s.lastTs !== null && t.ts <= s.lastTs) return
  // after a silence longer than the offline timeout, what held before the gap no longer vouches for now
  const gapMs = ctx.cfg.offlineIntervals * ctx.device.reportIntervalS * S
  const restart = s.lastTs !== null && t.ts - s.lastTs > gapMs
  s.lastTs = t.ts
  switch (t.kind) {
    case 'charging-pile':
      smokeReading(s, ctx, t.ts, t.smoke, false, 'smoke reported by the pile', out)
      portOverheat(s, ctx, t, restart, out)
      leakage(s, ctx, t, restart, out)
      strayWire(s, ctx, t, out)
      return
    case 'circuit-monitor':
      strayWire(s, ctx, t, out)
      return
    case 'daycare-sensor':
      airQuality(s, ctx, t, restart, out)
      return
    case 'outdoor-display': {
      smokeReading(s, ctx, t.ts, t.smoke, false, 'smoke reported by the display', out)
      if (t.doorOpen !== undefined) doorReading(s, ctx, t.ts, t.doorOpen, false, out)
      displayBlank(s, ctx, t, restart, out)
      displayOverheat(s, ctx, t, restart, out)
      const faults = hardwareFaults(t, ctx.cfg.displaySupplyMinV, ctx.cfg.displaySupplyMaxV)
      if (faults) displayHardware(s, ctx, t.ts, faults, restart, out)
      return
    }
    default:
      unreachable(t, 'device kind')
  }
}
