// Applies rule signals to the stored alerts inside the engine's transaction: dedup and lifecycle
// (lifecycle.ts), inhibition of port alerts while the device is offline, protective commands. Changes
// and commands are collected in an outbox and handed out only after the transaction committed.
import { type Alert, severityRank } from '../domain/alerts.ts'
import type { AlertChange } from '../domain/bus.ts'
import type { EngineMetrics } from './engine-metrics.ts'
import { type Decision, decideSignal, publicAlert, signalKey } from './lifecycle.ts'
import type { AlertStore } from './store.ts'
import type { RuleDevice, RuleSignal } from './types.ts'

export interface Outbox {
  changes: AlertChange[]
  /**
   * `at`: the deciding reading's ts, judged against the clock when the command is handed out; `retry`:
   * asked for by a `protect` signal, sent only if no attempt succeeded yet and the backoff has passed
   */
  commands: {
    alert: Alert
    command: NonNullable<Extract<RuleSignal, { action: 'raise' }>['command']>
    at: number
    retry?: true
    /** a retry's reading showed the port still charging (stop_port acknowledged, yet it charges) */
    charging?: boolean
  }[]
}

export const emptyOutbox = (): Outbox => ({ changes: [], commands: [] })

export function createSignalApplier(deps: {
  store: AlertStore
  metrics: EngineMetrics
  newId: () => string
}) {
  const { store, metrics, newId } = deps

  const persist = (d: Decision, out: Outbox) => {
    if (d.insert) store.insert(d.alert)
    else store.update(d.alert)
    if (!d.transition) return
    store.addTransition(d.transition)
    out.changes.push({ alert: publicAlert(d.alert), transition: d.transition, tenantId: d.alert.tenantId })
  }

  const releaseHeld = (device: RuleDevice, out: Outbox) => {
    const held = store.held(device.id)
    store.unholdAll(device.id)
    // still true when the device came back (no clear arrived meanwhile): raise with the deciding reading's ts
    for (const s of held) apply(device, s, out)
  }

  const hold = (device: RuleDevice, key: string, s: Extract<RuleSignal, { action: 'raise' }>) => {
    // the first deciding reading keeps its ts; severity only rises, as it would on an open alert
    const prev = store.held(device.id).find((x) => x.type === s.type && signalKey(x) === key)
    const held =
      prev?.action === 'raise'
        ? {
            ...s,
            at: prev.at,
            severity: severityRank(prev.severity) > severityRank(s.severity) ? prev.severity : s.severity,
          }
        : s
    store.hold(device.id, key, held)
  }

  const apply = (device: RuleDevice, s: RuleSignal, out: Outbox): void => {
    const key = signalKey(s)
    if (s.action === 'protect') {
      // only for an open critical alert: one held back or cleared has nothing to protect with
      const open = store.findOpen(device.id, key, s.type)
      if (open?.severity === 'critical')
        out.commands.push({
          alert: publicAlert(open),
          command: s.command,
          at: s.at,
          retry: true,
          ...(s.charging ? { charging: true } : {}),
        })
      return
    }
    // inhibition (README "Alerts"): port alerts of an offline pile are held back
    if (s.action === 'raise' && s.port !== undefined && s.type !== 'device_offline') {
      if (store.findOpen(device.id, '', 'device_offline')) {
        hold(device, key, s)
        return
      }
    }
    if (s.action === 'clear') store.unhold(device.id, key, s.type)
    const d = decideSignal(store.findOpen(device.id, key, s.type), s, device, newId)
    if (!d) return
    persist(d, out)
    if (d.insert) metrics.raised.inc({ type: d.alert.type, severity: d.alert.severity })
    const k = d.transition?.kind
    if (s.action === 'raise' && s.command && (k === 'raised' || k === 'severity_changed'))
      out.commands.push({ alert: publicAlert(d.alert), command: s.command, at: s.at })
    if (s.type === 'device_offline' && d.alert.state === 'cleared') releaseHeld(device, out)
  }

  return { apply, persist, releaseHeld }
}
