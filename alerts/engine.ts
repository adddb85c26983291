// The alert engine: a second, named consumer of the spool ('alerts'). Each batch of device messages is
// decoded, evaluated by the pure rules on event time, and applied to the stored alerts; alerts,
// transitions, rule states and the engine's spool position are written in ONE SQLite transaction, and
// only then do changes go out on the bus and the spool checkpoint advance. After a restart, records at or
// before the stored position are skipped, so nothing is raised twice and nothing open is forgotten.
//
// This file is the loop; the rule state and its snapshots are engine-batches.ts, what goes out after a
// commit engine-dispatch.ts, the spool checkpoint engine-checkpoint.ts, people's actions engine-manual.ts.
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import type { AlertBus, CommandSender } from '../domain/bus.ts'
import { type DeviceDirectory, generateId } from '../registry/index.ts'
import type { SpoolEntry, SpoolPosition, SpoolReader } from '../spool/index.ts'
import type { AlertsDb } from './db.ts'
import { createSignalApplier, type Outbox } from './engine-apply.ts'
import { createEngineBatches } from './engine-batches.ts'
import { createSpoolCheckpoint, syncWal } from './engine-checkpoint.ts'
import { createDeviceLookup, type SiteLocations } from './engine-devices.ts'
import { createDispatch } from './engine-dispatch.ts'
import { createManualActions, type ManualActions } from './engine-manual.ts'
import { createEngineMetrics } from './engine-metrics.ts'
import {
  evaluateDevice as catalogueEvaluateDevice,
  evaluateOffline as catalogueEvaluateOffline,
  forgetClearedAlert as catalogueForgetClearedAlert,
  readsTelemetryFields as catalogueReadsTelemetryFields,
  skimLikely as catalogueSkimLikely,
} from './rules/index.ts'
import { defaultResolveSettings, type ResolveSettings } from './settings.ts'
import { type AlertStore, createAlertStore, type SettingsScope } from './store.ts'
import type { EvaluateDevice, EvaluateOffline, ForgetClearedAlert } from './types.ts'

export interface AlertEngineOptions {
  /** a reader opened with `consumer: 'alerts'` */
  spool: SpoolReader
  directory: Pick<DeviceDirectory, 'findDevice'>
  /** where a site is (the registry's sites), for `strayWire.lightsAtDusk` */
  siteLocation?: SiteLocations
  /**
   * Changes whenever anything `directory` and `siteLocation` read changes (the registry's changeStamp):
   * device look-ups are then kept past their TTL while nothing they read changed (engine-devices.ts)
   */
  registryStamp?: () => string
  db: AlertsDb
  /** default: the catalogue rules (rules/) */
  evaluateDevice?: EvaluateDevice
  evaluateOffline?: EvaluateOffline
  /** default: the catalogue's with the catalogue's evaluateDevice (rules/forget.ts); none with rules of one's own */
  forgetClearedAlert?: ForgetClearedAlert
  /** default: catalogue defaults ← site ← device (settings.ts) */
  resolveSettings?: ResolveSettings
  bus: AlertBus
  log: Logger
  metrics: MetricsRegistry
  now: () => number
  /** wall-clock period of the offline check; 0 disables the timer (tests call `tick`). Default 10 s. */
  offlineCheckIntervalMs?: number
  /** protective commands asked for by rules (stop_port at critical overheat) */
  commands?: CommandSender
  /**
   * Since when the node has been listening to its devices (default: the engine's start). A worker started
   * again after a crash keeps the first one's: the broker went on spooling, that silence was real.
   */
  listeningSince?: number
  /** records per spool read and SQLite transaction (default 5000) */
  batchSize?: number
  /** how long a registry lookup and resolved settings are reused (default 5 s) */
  deviceCacheTtlMs?: number
  /**
   * Makes every committed alerts.db transaction durable (default: fsync of its WAL, off the event loop).
   * Awaited before the spool may drop what a snapshot covers, and before a person's action is answered.
   */
  syncDb?: () => Promise<void>
}

export interface AlertEngine extends ManualActions {
  readonly store: AlertStore
  /** Runs the offline rule for every device seen so far, at `nowMs` (default `now()`). */
  tick(nowMs?: number): void
  /** Settings overrides changed: resolve again on the next message. */
  settingsChanged(scope?: SettingsScope, id?: string): void
  stats(): { processed: number; position?: SpoolPosition }
  stop(): Promise<void>
}

const RETRY_MS = 1000

export function startAlertEngine(opts: AlertEngineOptions): AlertEngine {
  const { spool, now } = opts
  const log = opts.log.child({ component: 'alert-engine' })
  const store = createAlertStore(opts.db)
  const metrics = createEngineMetrics(opts.metrics, () => store.countsByState())
  const batchSize = opts.batchSize ?? 5000
  const devices = createDeviceLookup({
    directory: opts.directory,
    siteLocation: opts.siteLocation,
    store,
    resolveSettings: opts.resolveSettings ?? defaultResolveSettings,
    now,
    ttlMs: opts.deviceCacheTtlMs ?? 5000,
    registryStamp: opts.registryStamp,
  })
  const applier = createSignalApplier({ store, metrics, newId: () => generateId('al') })
  const batches = createEngineBatches({
    store,
    evaluateDevice: opts.evaluateDevice ?? catalogueEvaluateDevice,
    evaluateOffline: opts.evaluateOffline ?? catalogueEvaluateOffline,
    // the catalogue's rules say which readings they read no further than `ts` into: those are skimmed
    ...((opts.evaluateDevice ?? catalogueEvaluateDevice) === catalogueEvaluateDevice
      ? { readsTelemetryFields: catalogueReadsTelemetryFields, skimLikely: catalogueSkimLikely }
      : {}),
    // the catalogue's rules keep a hold open until their clear condition: a hand clear must reset it
    forgetClearedAlert:
      opts.forgetClearedAlert ??
      ((opts.evaluateDevice ?? catalogueEvaluateDevice) === catalogueEvaluateDevice
        ? catalogueForgetClearedAlert
        : undefined),
    lookup: devices.get,
    applySignal: applier.apply,
    metrics,
    log,
    now,
    listeningSince: opts.listeningSince,
  })
  const dispatch = createDispatch({
    bus: opts.bus,
    commands: opts.commands,
    metrics,
    log,
    currentAlert: (id) => store.get(id),
    history: (id) => store.history(id),
    now,
    recordCommand: (alertId, note, detail) => manual.record(alertId, 'command', 'auto', { ...detail }, note),
  })
  const syncDb = opts.syncDb ?? (() => syncWal(opts.db))
  const manual = createManualActions({
    store,
    applier,
    lookup: devices.get,
    forgetCleared: batches.forgetCleared,
    dispatch,
    now,
    syncDb,
  })
  const checkpoint = createSpoolCheckpoint({
    spool,
    syncDb,
    metrics,
    log,
  })
  // the spool may drop only what a snapshot covers
  const commitSnapshot = () => {
    const pos = batches.snapshotPosition()
    if (pos) checkpoint.commit(pos)
  }

  let stopping = false
  let wakeSleep: (() => void) | undefined
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wakeSleep = () => {
        clearTimeout(timer)
        resolve()
      }
    })

  const loop = async () => {
    let retry: SpoolEntry[] | undefined
    while (!stopping) {
      let entries: SpoolEntry[]
      try {
        if (retry) entries = retry
        else {
          entries = await spool.next(batchSize, 250)
          // behind until a read finds nothing new: reads stop short of a full batch at the reader's buffer
          // and at each segment's end, so a short read says nothing about what is left
          batches.noteRead(entries.length > 0)
        }
      } catch (err) {
        metrics.errors.inc({ stage: 'spool' })
        log.error({ err }, 'spool read failed')
        await sleep(RETRY_MS)
        continue
      }
      if (entries.length === 0) {
        metrics.lag.set(0)
        // idle: a good moment to make the snapshot current
        if (batches.position() !== batches.snapshotPosition() && batches.snapshotNow()) commitSnapshot()
        continue
      }
      let out: Outbox
      try {
        out = batches.process(entries)
        retry = undefined
      } catch (err) {
        // the database refused the batch (disk full, locked too long): keep it and try again
        metrics.errors.inc({ stage: 'database' })
        log.error({ err, records: entries.length }, 'alert batch not stored, retrying')
        retry = entries
        await sleep(RETRY_MS)
        continue
      }
      metrics.lag.set(Math.max(0, now() - entries[entries.length - 1]!.arrivalMs) / 1000)
      dispatch(out)
      commitSnapshot()
    }
    if (batches.snapshotNow()) commitSnapshot()
    await checkpoint.idle()
  }

  const engine: AlertEngine = {
    store,
    ...manual,
    tick(nowMs = now()) {
      dispatch(batches.tick(nowMs))
    },
    settingsChanged() {
      devices.clear()
    },
    stats: () => ({ processed: batches.processed(), position: batches.position() }),
    async stop() {
      stopping = true
      clearInterval(timer)
      spool.notify()
      wakeSleep?.()
      await running
    },
  }

  const interval = opts.offlineCheckIntervalMs ?? 10_000
  const timer =
    interval > 0
      ? setInterval(() => {
          try {
            engine.tick()
          } catch (err) {
            metrics.errors.inc({ stage: 'database' })
            log.error({ err }, 'offline check failed')
          }
        }, interval).unref()
      : undefined
  const running = loop().catch((err) => log.fatal({ err }, 'alert engine stopped'))
  log.info({ position: batches.position(), devices: batches.devices() }, 'alert engine started')
  return engine
}
