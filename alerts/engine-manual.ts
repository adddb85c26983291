// What people do to alerts, through the engine so it shares the engine's transactions and bus: acknowledge,
// clear by hand, and steps added to an alert's history (a command sent, a notification delivered).
import type { Alert, TransitionKind } from '../domain/alerts.ts'
import { type createSignalApplier, emptyOutbox } from './engine-apply.ts'
import type { createDeviceLookup } from './engine-devices.ts'
import type { Dispatch } from './engine-dispatch.ts'
import { type Decision, decideAcknowledge, decideManualClear, publicAlert } from './lifecycle.ts'
import type { AlertStore, StoredAlert } from './store.ts'

export interface ManualActions {
  /** Acknowledges an active alert; undefined when unknown, unchanged when not active. */
  acknowledge(id: string, by: string, note?: string): Alert | undefined
  /** Clears an open alert by hand; undefined when unknown. */
  clear(id: string, by: string, note?: string): Alert | undefined
  /** Adds a `command` or `notified` step to an alert's history (no bus event: not a change of state). */
  record(
    alertId: string,
    kind: Extract<TransitionKind, 'command' | 'notified'>,
    by: string,
    detail?: Record<string, unknown>,
  ): void
}

export function createManualActions(deps: {
  store: AlertStore
  applier: Pick<ReturnType<typeof createSignalApplier>, 'persist' | 'releaseHeld'>
  lookup: ReturnType<typeof createDeviceLookup>['get']
  dispatch: Dispatch
  now: () => number
}): ManualActions {
  const { store, applier, lookup, dispatch, now } = deps

  const decide = (id: string, decision: (a: StoredAlert) => Decision | undefined) => {
    const out = emptyOutbox()
    const result = store.transaction(() => {
      const a = store.get(id)
      if (!a) return undefined
      const d = decision(a)
      if (!d) return a
      applier.persist(d, out)
      // a device cleared as offline by hand: the port alerts held back while it was away come out now
      if (d.alert.type === 'device_offline' && d.alert.state === 'cleared') {
        const cached = lookup(d.alert.deviceId)
        if (cached) applier.releaseHeld(cached.device, out)
      }
      return d.alert
    })
    dispatch(out)
    return result && publicAlert(result)
  }

  return {
    acknowledge: (id, by, note) => decide(id, (a) => decideAcknowledge(a, by, now(), note)),
    clear: (id, by, note) => decide(id, (a) => decideManualClear(a, by, now(), note)),
    record(alertId, kind, by, detail) {
      store.addTransition({ alertId, kind, at: now(), by, ...(detail ? { detail } : {}) })
    },
  }
}
