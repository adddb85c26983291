// The alert lifecycle as pure decisions (README "Alerts"): one open alert per (device, key, type);
// a repeat bumps count/lastValue; severity may rise while open, never fall; rule clears close it (except
// for the alerts only staff clear); people acknowledge and clear by hand.
import {
  type Alert,
  type AlertTransition,
  MANUAL_CLEAR_TYPES,
  type Severity,
  severityRank,
} from '../domain/alerts.ts'
import type { StoredAlert } from './store.ts'
import type { RuleDevice, RuleSignal } from './types.ts'

/** The dedup key of a signal: its port, plus the rule's `key` (e.g. port_fault's code) when given. */
export function signalKey(s: RuleSignal): string {
  // a shed that goes offline is one device_offline, never one per port
  if (s.type === 'device_offline') return ''
  const port = s.port === undefined ? '' : `port:${s.port}`
  if (!s.key) return port
  return port ? `${port}:${s.key}` : s.key
}

export interface Decision {
  alert: StoredAlert
  /** a new row (raised) rather than an update */
  insert: boolean
  /** absent for a silent repeat (same value and severity): count bumps, history stays small */
  transition?: AlertTransition
}

const SYSTEM = 'system'

/** What a rule signal does to the open alert of its key (if any). */
export function decideSignal(
  open: StoredAlert | undefined,
  s: RuleSignal,
  device: RuleDevice,
  newId: () => string,
): Decision | undefined {
  // asks for a protective command again (engine-apply.ts); no change to the alert
  if (s.action === 'protect') return undefined
  if (s.action === 'clear') {
    if (!open || MANUAL_CLEAR_TYPES.includes(open.type)) return undefined
    const alert: StoredAlert = {
      ...open,
      state: 'cleared',
      clearedAt: s.at,
      clearedBy: SYSTEM,
      updatedAt: Math.max(open.updatedAt, s.at),
      ...(s.value === undefined ? {} : { lastValue: s.value }),
    }
    return {
      alert,
      insert: false,
      transition: withValue(
        { alertId: open.id, kind: 'cleared', at: s.at, by: SYSTEM, note: s.message },
        s.value,
      ),
    }
  }
  if (!open) {
    const alert: StoredAlert = {
      id: newId(),
      tenantId: device.tenantId,
      key: signalKey(s),
      type: s.type,
      severity: s.severity,
      state: 'active',
      deviceId: device.id,
      siteId: device.siteId,
      message: s.message,
      raisedAt: s.at,
      count: 1,
      updatedAt: s.at,
      ...(s.port === undefined || s.type === 'device_offline' ? {} : { port: s.port }),
      ...(s.value === undefined ? {} : { lastValue: s.value }),
      ...(s.evidence === undefined ? {} : { evidence: s.evidence }),
    }
    const t: AlertTransition = {
      alertId: alert.id,
      kind: 'raised',
      at: s.at,
      by: SYSTEM,
      severity: s.severity,
    }
    return { alert, insert: true, transition: withValue(t, s.value) }
  }
  const rises = severityRank(s.severity) > severityRank(open.severity)
  const severity: Severity = rises ? s.severity : open.severity
  const alert: StoredAlert = {
    ...open,
    severity,
    count: open.count + 1,
    message: rises ? s.message : open.message,
    updatedAt: Math.max(open.updatedAt, s.at),
    ...(s.value === undefined ? {} : { lastValue: s.value }),
    ...(s.evidence === undefined ? {} : { evidence: s.evidence }),
  }
  const valueChanged = s.value !== undefined && s.value !== open.lastValue
  if (!rises && !valueChanged) return { alert, insert: false }
  const t: AlertTransition = {
    alertId: open.id,
    kind: rises ? 'severity_changed' : 'repeated',
    at: s.at,
    by: SYSTEM,
    severity,
  }
  return { alert, insert: false, transition: withValue(t, s.value) }
}

function withValue(t: AlertTransition, value: RuleSignal['value']): AlertTransition {
  if (t.note === undefined) delete t.note
  return value === undefined ? t : { ...t, value }
}

/** A person acknowledges: only an active alert; acknowledging twice is a no-op. */
export function decideAcknowledge(
  a: StoredAlert,
  by: string,
  at: number,
  note?: string,
): Decision | undefined {
  if (a.state !== 'active') return undefined
  const alert: StoredAlert = {
    ...a,
    state: 'acknowledged',
    acknowledgedAt: at,
    acknowledgedBy: by,
    updatedAt: at,
  }
  const t: AlertTransition = { alertId: a.id, kind: 'acknowledged', at, by }
  if (note !== undefined) t.note = note
  return { alert, insert: false, transition: t }
}

/** A person clears: any open alert; clearing a cleared one is a no-op. */
export function decideManualClear(
  a: StoredAlert,
  by: string,
  at: number,
  note?: string,
): Decision | undefined {
  if (a.state === 'cleared') return undefined
  const alert: StoredAlert = { ...a, state: 'cleared', clearedAt: at, clearedBy: by, updatedAt: at }
  const t: AlertTransition = { alertId: a.id, kind: 'cleared', at, by }
  if (note !== undefined) t.note = note
  return { alert, insert: false, transition: t }
}

/** The API/bus object: the stored alert without its tenant and dedup key. */
export function publicAlert(a: StoredAlert): Alert {
  const { tenantId: _t, key: _k, ...rest } = a
  return rest
}
