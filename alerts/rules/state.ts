// The rules' per-device state: plain JSON, persisted by the engine with the open alerts and its spool
// position, so hold timers and detector windows survive a restart.
import type { StrayWireSettleState } from '../stray-wire-settle.ts'
import type { StrayWireState } from '../stray-wire-types.ts'
import type { DeviceRuleState } from '../types.ts'
import type { HoldState } from './thresholds.ts'

/** A type, not an interface: it is a DeviceRuleState (an index-signature record) as is. */
export type RulesState = {
  v: 1
  /** wall clock: arrival of the last message by which the device spoke (not its Will) */
  lastMessageAt: number | null
  /** wall clock: arrival of a Will `offline` that nothing has followed yet */
  willOfflineAt: number | null
  /** device_offline is raised and not cleared */
  offline: boolean
  /** event time of the newest telemetry: an older (late, out-of-order) reading moves no timer */
  lastTs: number | null
  /** threshold rules by alert key (`port_overheat:3`, `leakage`, `air_quality`, …) */
  holds: Record<string, HoldState>
  /** automatic stop_port already attached, by port */
  stopSent: Record<string, boolean>
  /** event time of the newest event applied per alert key: an older event for the same key is stale */
  eventTs: Record<string, number>
  /** `ts:seq` of the last events applied, oldest first: a redelivered event is not counted again */
  recentEvents: string[]
  smoke: { open: boolean; clearSince: number | null }
  tamper: { open: boolean }
  strayWire: StrayWireState | null
  /**
   * The circuit reading held back before the detector (alerts/stray-wire-settle.ts); null in states
   * persisted before it, which then start holding back from their next reading.
   */
  strayWireSettle: StrayWireSettleState | null
}

// The initial values of the nested fields, one frozen copy shared by every device: the engine keeps a
// state per device in memory, and a device that has only said `online` held six empty objects of its
// own (~330 bytes of its ~500, issue 12 §1). The rules replace a nested value, never change it in place
// (copy on write, e.g. `s.holds = { ...s.holds, [key]: hold }`); frozen, a change in place would throw.
const NO_HOLDS: Record<string, HoldState> = Object.freeze({})
const NO_STOPS: Record<string, boolean> = Object.freeze({})
const NO_EVENT_TS: Record<string, number> = Object.freeze({})
const NO_RECENT_EVENTS = Object.freeze([]) as unknown as string[]
const SMOKE_CLEAR: RulesState['smoke'] = Object.freeze({ open: false, clearSince: null })
const TAMPER_CLEAR: RulesState['tamper'] = Object.freeze({ open: false })

/**
 * The engine starts a device with `{}`; anything not yet written takes its initial value, and only the
 * fields above are kept. Field by field rather than spread over a fresh initial state: this runs once per
 * message, and that made seven objects each time.
 */
export function readRulesState(state: DeviceRuleState): RulesState {
  const s: Partial<RulesState> = (state as Partial<RulesState>).v === 1 ? state : {}
  return {
    v: 1,
    lastMessageAt: s.lastMessageAt ?? null,
    willOfflineAt: s.willOfflineAt ?? null,
    offline: s.offline ?? false,
    lastTs: s.lastTs ?? null,
    holds: s.holds ?? NO_HOLDS,
    stopSent: s.stopSent ?? NO_STOPS,
    eventTs: s.eventTs ?? NO_EVENT_TS,
    recentEvents: s.recentEvents ?? NO_RECENT_EVENTS,
    smoke: s.smoke ?? SMOKE_CLEAR,
    tamper: s.tamper ?? TAMPER_CLEAR,
    strayWire: s.strayWire ?? null,
    strayWireSettle: s.strayWireSettle ?? null,
  }
}

export const initialRulesState = (): RulesState => readRulesState({})
