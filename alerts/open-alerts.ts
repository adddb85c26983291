// The alert store side of a node, opened before anything that acts on alerts: alerts.db (notify and
// commands keep their tables in it too), the store the API reads, the bus the engine announces changes on,
// and the resolved settings of a site or device that the notifier needs (local time, maintenance).
import { EventEmitter } from 'node:events'
import type { Alert } from '../domain/alerts.ts'
import type { AlertBus, AlertBusEvents } from '../domain/bus.ts'
import type { RunningPart } from '../domain/part.ts'
import { type AlertsDb, openAlertsDb } from './db.ts'
import { inAnyWindow } from './rules/local-time.ts'
import { defaultResolveSettings } from './settings.ts'
import { type AlertStore, createAlertStore } from './store.ts'
import type { AlertSettings } from './types.ts'

export interface AlertsStorePart extends RunningPart {
  db: AlertsDb
  store: AlertStore
  bus: AlertBus
  /** catalogue defaults ← site override ← device override, as the rules see them */
  settingsOf(siteId: string, deviceId?: string): AlertSettings
  /** inside a maintenance window of the site or device at `at` (epoch ms) */
  inMaintenance(siteId: string, deviceId: string, at: number): boolean
  /** the alert as stored now, undefined when unknown */
  current(alertId: string): Alert | undefined
}

export function openAlertsStore(deps: { path: string }): AlertsStorePart {
  const db = openAlertsDb(deps.path)
  const store = createAlertStore(db)
  const settingsOf = (siteId: string, deviceId?: string) =>
    defaultResolveSettings(
      store.getSettings('site', siteId),
      deviceId === undefined ? undefined : store.getSettings('device', deviceId),
    )
  return {
    db,
    store,
    bus: new EventEmitter<AlertBusEvents>(),
    settingsOf,
    inMaintenance(siteId, deviceId, at) {
      const s = settingsOf(siteId, deviceId)
      return inAnyWindow(s.maintenanceWindows, at, s.utcOffsetMin)
    },
    current: (alertId) => store.get(alertId),
    stop: () => {
      db.close()
    },
  }
}
