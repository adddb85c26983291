// The alert engine: a second, named consumer of the spool ('alerts'). Each batch of device messages is
// decoded, evaluated by the pure rules on event time, and applied to the stored alerts; alerts,
// transitions, rule states and the engine's spool position are written in ONE SQLite transaction, and
// only then do changes go out on the bus and the spool checkpoint advance. After a restart, records at or
// before the stored position are skipped, so nothing is raised twice and nothing open is forgotten.

import { type FileHandle, open } from 'node:fs/promises'
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import type { Alert, TransitionKind } from '../domain/alerts.ts'
import { decodeMessage } from '../domain/decode-message.ts'
import { parseDeviceTopic } from '../domain/topics.ts'
import { generateId } from '../registry/ids.ts'
import type { DeviceDirectory } from '../registry/types.ts'
import { comparePositions } from '../spool/index.ts'
import type { SpoolEntry, SpoolPosition, SpoolReader } from '../spool/types.ts'
import type { AlertsDb } from './db.ts'
import { createSignalApplier, emptyOutbox, type Outbox } from './engine-apply.ts'
import { createDeviceLookup } from './engine-devices.ts'
import { createEngineMetrics } from './engine-metrics.ts'
import { type Decision, decideAcknowledge, decideManualClear, publicAlert } from './lifecycle.ts'
import {
  evaluateDevice as catalogueEvaluateDevice,
  evaluateOffline as catalogueEvaluateOffline,
} from './rules/index.ts'
import { type AlertSettingsOverride, DEFAULT_ALERT_SETTINGS, resolveSettings } from './settings.ts'
import { type AlertStore, createAlertStore, type SettingsScope } from './store.ts'
import type {
  AlertBus,
  AlertSettings,
  CommandSender,
  DeviceRuleState,
  EvaluateDevice,
  EvaluateOffline,
  RuleDevice,
  RuleSignal,
} from './types.ts'

/** Catalogue defaults ← site override ← device override (api/alerts/settings.ts implements it). */
export type ResolveSettings = (
  site: Record<string, unknown> | undefined,
  device: Record<string, unknown> | undefined,
) => AlertSettings

export interface AlertEngineOptions {
  /** a reader opened with `consumer: 'alerts'` */
  spool: SpoolReader
  directory: Pick<DeviceDirectory, 'findDevice'>
  db: AlertsDb
  /** default: the catalogue rules (api/alerts/rules/) */
  evaluateDevice?: EvaluateDevice
  evaluateOffline?: EvaluateOffline
  /** default: catalogue defaults ← site ← device (api/alerts/settings.ts) */
  resolveSettings?: ResolveSettings
  bus: AlertBus
  log: Logger
  metrics: MetricsRegistry
  now: () => number
  /** wall-clock period of the offline check; 0 disables the timer (tests call `tick`). Default 10 s. */
  offlineCheckIntervalMs?: number
  /** protective commands asked for by rules (stop_port at critical overheat) */
  commands?: CommandSender
  /** records per spool read and SQLite transaction (default 5000) */
  batchSize?: number
  /** how long a registry lookup and resolved settings are reused (default 5 s) */
  deviceCacheTtlMs?: number
  /**
   * Makes every committed alerts.db transaction durable (default: fsync of its WAL, off the event loop).
   * Awaited before the spool may drop what a snapshot covers.
   */
  syncDb?: () => Promise<void>
}

export interface AlertEngine {
  readonly store: AlertStore
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
  /** Runs the offline rule for every device seen so far, at `nowMs` (default `now()`). */
  tick(nowMs?: number): void
  /** Settings overrides changed: resolve again on the next message. */
  settingsChanged(scope?: SettingsScope, id?: string): void
  stats(): { processed: number; position?: SpoolPosition }
  stop(): Promise<void>
}

export const defaultResolveSettings: ResolveSettings = (site, device) =>
  resolveSettings(DEFAULT_ALERT_SETTINGS, site as AlertSettingsOverride, device as AlertSettingsOverride)

/** A rule signal and the device it is about, to apply once the batch is evaluated. */
interface DeviceSignal {
  device: RuleDevice
  signal: RuleSignal
}

const RETRY_MS = 1000
const SNAPSHOT_EVERY_MS = 1000

export function startAlertEngine(opts: AlertEngineOptions): AlertEngine {
  const { spool, directory, bus, now } = opts
  const log = opts.log.child({ component: 'alert-engine' })
  const store = createAlertStore(opts.db)
  const metrics = createEngineMetrics(opts.metrics, () => store.countsByState())
  const batchSize = opts.batchSize ?? 5000
  const ttlMs = opts.deviceCacheTtlMs ?? 5000
  const newId = () => generateId('al')
  const evaluateDevice = opts.evaluateDevice ?? catalogueEvaluateDevice
  const evaluateOffline = opts.evaluateOffline ?? catalogueEvaluateOffline
  const resolveSettings = opts.resolveSettings ?? defaultResolveSettings

  const states: Map<string, DeviceRuleState> = store.ruleStates()
  /** position of the last record applied to `states` (in memory) */
  let dbPos = store.position()
  /** position of the last snapshot in alerts.db: where a restart resumes */
  let snapPos = dbPos
  let processed = 0
  const devices = createDeviceLookup({ directory, store, resolveSettings, now, ttlMs })
  const lookup = devices.get

  const { apply: applySignal, persist, releaseHeld } = createSignalApplier({ store, metrics, newId })

  const dispatch = (out: Outbox) => {
    for (const c of out.changes) {
      try {
        bus.emit('change', c)
      } catch (err) {
        // a listener's failure must not stop the engine nor the other listeners' next changes
        metrics.errors.inc({ stage: 'listener' })
        log.error({ err, alertId: c.alert.id }, 'alert listener failed')
      }
    }
    for (const { alert, command } of out.commands) {
      if (!opts.commands) {
        log.warn(
          { alertId: alert.id, command: command.name },
          'no command sender: protective command not sent',
        )
        continue
      }
      opts.commands
        .send({
          deviceId: alert.deviceId,
          name: command.name,
          args: command.args,
          by: 'auto',
          alertId: alert.id,
        })
        .then(
          (result) =>
            engine.record(alert.id, 'command', 'auto', { name: command.name, args: command.args, result }),
          (err: Error) => log.error({ alertId: alert.id, err: err.message }, 'protective command failed'),
        )
        .catch((err: Error) => log.error({ alertId: alert.id, err: err.message }, 'command audit failed'))
    }
  }

  // Rule state is persisted in snapshots: every device's state together with the spool position it
  // corresponds to, in one transaction. A snapshot is taken whenever a batch produced a signal (so stored
  // alerts and the state that decided them always agree), at least every SNAPSHOT_EVERY_MS, and at stop.
  // Between snapshots the rules ran without touching the database; after a crash the spool replays those
  // records (the spool checkpoint never passes the snapshot) and the pure rules reach the same state again.
  // Writing every device's state per batch cost more than the rules themselves at full load.
  const dirty = new Set<string>()
  let lastSnapshotAt = Date.now()
  const writeSnapshot = () => {
    for (const id of dirty) store.putRuleState(id, states.get(id)!)
    if (dbPos) store.putPosition(dbPos)
  }
  const snapshotTaken = () => {
    dirty.clear()
    snapPos = dbPos
    lastSnapshotAt = Date.now()
  }

  /**
   * Runs a batch through the rules, in memory: new states go to `states` (their previous values to
   * `before`), the signals to apply come back in order. The rules never read the database, so applying
   * the signals after the whole batch gives the same alerts as applying each as it comes.
   */
  const evaluateBatch = (
    entries: SpoolEntry[],
    before: Map<string, DeviceRuleState | undefined>,
  ): { signals: DeviceSignal[]; skipped: number; rejected: number } => {
    const signals: DeviceSignal[] = []
    let skipped = 0
    let rejected = 0
    // one clock reading for the batch's registry lookups (reused for ttlMs anyway)
    const nowMs = now()
    for (const e of entries) {
      if (dbPos && comparePositions(e.pos, dbPos) <= 0) {
        skipped++
        continue
      }
      const t = parseDeviceTopic(e.topic)
      const cached = t && lookup(t.deviceId, nowMs)
      const r = decodeMessage(e.topic, e.payload, cached?.device, e.arrivalMs)
      if (!cached || !r.ok || r.value.type === 'command_ack') {
        rejected++
        continue
      }
      const { device, settings } = cached
      const prev = states.get(device.id)
      let res: ReturnType<EvaluateDevice>
      try {
        res = evaluateDevice(prev ?? {}, { device, msg: r.value, arrivalMs: e.arrivalMs, settings })
      } catch (err) {
        metrics.errors.inc({ stage: 'rule' })
        log.error({ err, deviceId: device.id }, 'rule evaluation failed')
        continue
      }
      if (!before.has(device.id)) before.set(device.id, prev)
      states.set(device.id, res.state)
      for (const signal of res.signals) signals.push({ device, signal })
    }
    return { signals, skipped, rejected }
  }

  /**
   * Applies a batch: the rules in memory, then one transaction with the alerts their signals decide and,
   * when due, a snapshot. A batch with neither (most of them) opens no transaction: an empty one cost
   * more than the rules for a batch of a few dozen records. In-memory rule states are rolled back if the
   * transaction fails.
   */
  const processBatch = (entries: SpoolEntry[]): Outbox => {
    const out = emptyOutbox()
    const before = new Map<string, DeviceRuleState | undefined>()
    const prevPos = dbPos
    let snapshot = false
    let batch: ReturnType<typeof evaluateBatch>
    try {
      batch = evaluateBatch(entries, before)
      dbPos = entries[entries.length - 1]!.pos
      for (const id of before.keys()) dirty.add(id)
      if (batch.signals.length > 0 || Date.now() - lastSnapshotAt >= SNAPSHOT_EVERY_MS) {
        store.transaction(() => {
          for (const { device, signal } of batch.signals) applySignal(device, signal, out)
          writeSnapshot()
        })
        snapshot = true
      }
    } catch (err) {
      for (const [id, s] of before) {
        if (s !== undefined) {
          states.set(id, s)
          continue
        }
        // first seen in this batch: no state to put in a snapshot
        states.delete(id)
        dirty.delete(id)
      }
      dbPos = prevPos
      throw err
    }
    if (snapshot) snapshotTaken()
    processed += entries.length
    const { skipped, rejected } = batch
    metrics.messages.inc({ outcome: 'evaluated' }, entries.length - skipped - rejected)
    if (skipped) metrics.messages.inc({ outcome: 'replayed_skipped' }, skipped)
    if (rejected) metrics.messages.inc({ outcome: 'rejected' }, rejected)
    return out
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
        entries = retry ?? (await spool.next(batchSize, 250))
      } catch (err) {
        metrics.errors.inc({ stage: 'spool' })
        log.error({ err }, 'spool read failed')
        await sleep(RETRY_MS)
        continue
      }
      if (entries.length === 0) {
        metrics.lag.set(0)
        // idle: a good moment to make the snapshot current
        if (dbPos !== snapPos) snapshotNow()
        continue
      }
      let out: Outbox
      try {
        out = processBatch(entries)
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
      // the spool may drop only what a snapshot covers
      if (snapPos) commitSpool(snapPos)
    }
    snapshotNow()
    await committing
  }

  function snapshotNow() {
    try {
      store.transaction(writeSnapshot)
      snapshotTaken()
      if (snapPos) commitSpool(snapPos)
    } catch (err) {
      // the spool replays from the last snapshot at the next start
      metrics.errors.inc({ stage: 'database' })
      log.error({ err }, 'rule-state snapshot not stored')
    }
  }

  // The spool checkpoint only lets the spool drop segments: our own position is in alerts.db (same
  // transaction as the alerts). So it is advanced in the background, one commit in flight, always to the
  // newest position — awaiting its fsyncs per batch made the engine fall behind under full load.
  const syncDb = opts.syncDb ?? (() => syncWal(opts.db))
  let commitTarget: SpoolPosition | undefined
  let committing: Promise<void> | undefined
  /** the last position asked for: between snapshots every batch asks for the same one again */
  let commitAsked: SpoolPosition | undefined
  const commitSpool = (pos: SpoolPosition) => {
    if (pos === commitAsked) return
    commitAsked = pos
    commitTarget = pos
    committing ??= (async () => {
      while (commitTarget) {
        const target = commitTarget
        commitTarget = undefined
        try {
          // alerts.db commits reach the WAL file, not yet the disk (synchronous=NORMAL): a power cut
          // must not roll it back behind records the spool has dropped
          await syncDb()
          await spool.commit(target)
        } catch (err) {
          // harmless: the spool only keeps segments a little longer (asked again after the next batch)
          commitAsked = undefined
          metrics.errors.inc({ stage: 'spool' })
          log.warn({ err }, 'spool checkpoint not advanced')
        }
      }
      committing = undefined
    })()
  }

  const manual = (id: string, decide: (a: ReturnType<AlertStore['get']> & {}) => Decision | undefined) => {
    const out = emptyOutbox()
    const result = store.transaction(() => {
      const a = store.get(id)
      if (!a) return undefined
      const d = decide(a)
      if (!d) return a
      persist(d, out)
      if (d.alert.type === 'device_offline' && d.alert.state === 'cleared') {
        const cached = lookup(d.alert.deviceId)
        if (cached) releaseHeld(cached.device, out)
      }
      return d.alert
    })
    dispatch(out)
    return result && publicAlert(result)
  }

  const engine: AlertEngine = {
    store,
    acknowledge: (id, by, note) => manual(id, (a) => decideAcknowledge(a, by, now(), note)),
    clear: (id, by, note) => manual(id, (a) => decideManualClear(a, by, now(), note)),
    record(alertId, kind, by, detail) {
      store.addTransition({ alertId, kind, at: now(), by, ...(detail ? { detail } : {}) })
    },
    tick(nowMs = now()) {
      const out = emptyOutbox()
      const before = new Map<string, DeviceRuleState>()
      let snapshot = false
      try {
        store.transaction(() => {
          for (const [id, prev] of states) {
            const cached = lookup(id)
            if (!cached || cached.decommissioned) continue
            let res: ReturnType<EvaluateOffline>
            try {
              res = evaluateOffline(prev, cached.device, nowMs, cached.settings)
            } catch (err) {
              metrics.errors.inc({ stage: 'rule' })
              log.error({ err, deviceId: id }, 'offline rule failed')
              continue
            }
            if (res.state !== prev) {
              before.set(id, prev)
              states.set(id, res.state)
              dirty.add(id)
            }
            for (const s of res.signals) applySignal(cached.device, s, out)
          }
          if (before.size > 0 || out.changes.length > 0) {
            writeSnapshot()
            snapshot = true
          }
        })
      } catch (err) {
        // applied to memory only once stored, so a failed transaction leaves both as they were
        for (const [id, s] of before) states.set(id, s)
        throw err
      }
      if (snapshot) snapshotTaken()
      dispatch(out)
    },
    settingsChanged() {
      devices.clear()
    },
    stats: () => ({ processed, position: dbPos }),
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
  log.info({ position: dbPos, devices: states.size }, 'alert engine started')
  return engine
}

/**
 * fsync of alerts.db's write-ahead log: with WAL and synchronous=NORMAL a commit is written to it but
 * only synced at checkpoints, which SQLite syncs itself. Any descriptor of the file will do.
 */
async function syncWal(db: AlertsDb): Promise<void> {
  if (db.memory) return
  let wal: FileHandle
  try {
    wal = await open(`${db.name}-wal`, 'r')
  } catch (err) {
    // no log: everything is in the database file, synced by the checkpoint that emptied it
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  try {
    await wal.sync()
  } finally {
    await wal.close()
  }
}
