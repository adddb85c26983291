// A person cleared an alert by hand. The rules raise on a change (a condition that has held for its hold
// time), so a condition still open in their state would never raise again however long it lasts: a crew
// that clears a port_overheat while the port stays hot would get no alert, no page and no stop_port. Here
// the rule forgets that the alert's condition was open; a condition that persists raises a new alert once
// it has held for its hold time again (smoke and an open cabinet door at their next reading).
//
// Not forgotten: device_offline (its clear by hand releases the port alerts held while it was away, and
// the offline rule raises again only once the device has spoken and fallen silent again),
// stray_wire_charging (the detector follows its charger to its end; a crew's "not charging" teaches it,
// stray-wire-feedback.ts), and the event alerts, which a new event raises anew anyway.
import type { AlertType } from '../../domain/alerts.ts'
import type { DeviceRuleState } from '../types.ts'
import { readRulesState } from './state.ts'

const HELD: ReadonlySet<AlertType> = new Set([
  'port_overheat',
  'leakage',
  'air_quality',
  'display_blank',
  'display_overheat',
  'display_hardware',
])

/** The rule state without `alert`'s condition open; the same object when there is nothing to forget. */
export function forgetClearedAlert(
  state: DeviceRuleState,
  alert: { type: AlertType; port?: number },
): DeviceRuleState {
  const s = readRulesState(state)
  if (HELD.has(alert.type)) {
    // rules/pile.ts keys a port's hold by its port, the others by their type
    const key = alert.port === undefined ? alert.type : `${alert.type}:${alert.port}`
    if (!(key in s.holds)) return state
    const { [key]: _, ...holds } = s.holds
    s.holds = holds
    const stop = alert.port === undefined ? undefined : String(alert.port)
    // a new critical overheat is a new alert: its stop_port goes with it
    if (stop !== undefined && s.stopSent[stop]) {
      const { [stop]: _s, ...stopSent } = s.stopSent
      s.stopSent = stopSent
    }
    return s
  }
  if (alert.type === 'smoke' && s.smoke.open) return { ...s, smoke: { open: false, clearSince: null } }
  if (alert.type === 'display_tamper' && s.tamper.open) return { ...s, tamper: { open: false } }
  return state
}
