// What people do to alerts, through the engine so it shares the engine's transactions and bus: acknowledge,
// clear by hand, and steps added to an alert's history (a command sent, a notification delivered).
//
// An acknowledgement or a clear is answered only once it is on disk. alerts.db commits reach its WAL
// without an fsync (synchronous=NORMAL); what the engine decides from readings is synced before the spool
// lets them go and replayed after a power cut, but a person's action is in no spool: on a quiet node no
// batch follows whose checkpoint would sync it, and a power cut would undo what the API had answered.
import type { Alert, TransitionKind } from '../domain/alerts.ts'
import { type createSignalApplier, emptyOutbox } from './engine-apply.ts'
import type { EngineBatches } from './engine-batches.ts'
import type { createDeviceLookup } from './engine-devices.ts'
import type { Dispatch } from './engine-dispatch.ts'
import { type Decision, decideAcknowledge, decideManualClear, publicAlert } from './lifecycle.ts'
import type { AlertStore, StoredAlert } from './store.ts'

export interface ManualActions {
  /** Acknowledges an active alert; undefined when unknown, unchanged when not active. Resolves once durable. */
  acknowledge(id: string, by: string, note?: string): Promise<Alert | undefined>
  /** Clears an open alert by hand; undefined when unknown. Resolves once durable. */
  clear(id: string, by: string, note?: string): Promise<Alert | undefined>
  /**
   * Adds a `command` or `notified` step to an alert's history (no bus event: not a change of state);
   * `note` is what the crew reads.
   */
  record(
    alertId: string,
    kind: Extract<TransitionKind, 'command' | 'notified'>,
    by: string,
    detail?: Record<string, unknown>,
    note?: string,
  ): void
}

type ManualDeps = Parameters<typeof createManualActions>[0]

export function createManualActions(deps: {
  store: AlertStore
  applier: Pick<ReturnType<typeof createSignalApplier>, 'persist' | 'releaseHeld'>
  lookup: ReturnType<typeof createDeviceLookup>['get']
  /** the rules forget a condition cleared by hand, so one that persists raises again (engine-batches.ts) */
  forgetCleared: EngineBatches['forgetCleared']
  dispatch: Dispatch
  now: () => number
  /** makes alerts.db's committed transactions durable (engine.ts: fsync of its WAL) */
  syncDb: () => Promise<void>
}): ManualActions {
  const { store, applier, lookup, dispatch, now, syncDb } = deps

  const decide = async (id: string, decision: (a: StoredAlert) => Decision | undefined) => {
    const out = emptyOutbox()
    let forgotten: ReturnType<ManualDeps['forgetCleared']>
    let result: StoredAlert | undefined
    try {
      result = store.transaction(() => {
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
        if (d.alert.state === 'cleared') {
          const { type, port } = d.alert
          forgotten = deps.forgetCleared(d.alert.deviceId, port === undefined ? { type } : { type, port })
        }
        return d.alert
      })
    } catch (err) {
      forgotten?.undo()
      throw err
    }
    forgotten?.done()
    dispatch(out)
    // also when nothing changed: a retry or a double tap finds its own first request's change, which must
    // be on disk before this one says so too
    if (result) await syncDb()
    return result && publicAlert(result)
  }

  return {
    acknowledge: (id, by, note) => decide(id, (a) => decideAcknowledge(a, by, now(), note)),
    clear: (id, by, note) => decide(id, (a) => decideManualClear(a, by, now(), note)),
    record(alertId, kind, by, detail, note) {
      store.addTransition({
        alertId,
        kind,
        at: now(),
        by,
        ...(note === undefined ? {} : { note }),
        ...(detail ? { detail } : {}),
      })
    },
  }
}
