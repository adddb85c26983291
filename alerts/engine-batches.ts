// The engine's rule state and what changes it: spool batches run through the pure rules, the offline
// check on the wall clock, and the snapshots that make the state durable.
//
// Rule state is persisted in snapshots: every changed device's state together with the spool position it
// corresponds to, in one transaction. A snapshot is taken whenever a batch produced a signal (so stored
// alerts and the state that decided them always agree), at least every SNAPSHOT_EVERY_MS, and at stop.
// Between snapshots the rules run without touching the database; after a crash the spool replays those
// records (the spool checkpoint never passes the snapshot) and the pure rules reach the same state again.
// Writing every device's state per batch cost more than the rules themselves at full load.
import type { Logger } from 'pino'
import {
  type DecodedMessage,
  type DecodeResult,
  decodeMessage,
  tsAccepted,
} from '../domain/decode-message.ts'
import type { CircuitMonitorTelemetry, DeviceKind } from '../domain/protocol.ts'
import { comparePositions, type SpoolEntry, type SpoolPosition } from '../spool/index.ts'
import { type createSignalApplier, emptyOutbox, type Outbox } from './engine-apply.ts'
import type { createDeviceLookup } from './engine-devices.ts'
import type { EngineMetrics } from './engine-metrics.ts'
import { SKIM_UNSURE, skimCircuitReading } from './engine-skim.ts'
import { createTopicParser } from './engine-topics.ts'
import { createStateJson } from './state-json.ts'
import type { AlertStore } from './store.ts'
import type {
  DeviceRuleState,
  EvaluateDevice,
  EvaluateOffline,
  ForgetClearedAlert,
  RuleDevice,
  RuleSignal,
} from './types.ts'

const SNAPSHOT_EVERY_MS = 1000

/** A rule signal and the device it is about, to apply once the batch is evaluated. */
interface DeviceSignal {
  device: RuleDevice
  signal: RuleSignal
}

export interface EngineBatches {
  /**
   * Runs a batch through the rules and applies what they decide: one transaction with the alerts and,
   * when due, a snapshot. Throws (with the in-memory state rolled back) when the database refuses it.
   */
  process(entries: SpoolEntry[]): Outbox
  /**
   * Runs the offline rule for every device seen so far, at `nowMs`; while the engine is behind the
   * spool, at the arrival of the newest record it has read instead (a silence it has not read past is
   * not the device's).
   */
  tick(nowMs: number): Outbox
  /** whether the last spool read returned records (more may be waiting) or found nothing new */
  noteRead(gotRecords: boolean): void
  /** Makes the snapshot current; false (logged) when the database refused it. */
  snapshotNow(): boolean
  /**
   * A person cleared `alert` by hand: its rule forgets the condition was open (ForgetClearedAlert), and
   * the snapshot is written with it. Runs inside the clear's transaction; `done` once that committed,
   * `undo` when it did not. Undefined when the rules keep nothing to forget.
   */
  forgetCleared(
    deviceId: string,
    alert: Parameters<ForgetClearedAlert>[1],
  ): { done(): void; undo(): void } | undefined
  /** the last record applied in memory */
  position(): SpoolPosition | undefined
  /** the last snapshot's position: what a restart resumes after, and all the spool may drop */
  snapshotPosition(): SpoolPosition | undefined
  /** devices with rule state */
  devices(): number
  processed(): number
}

export function createEngineBatches(deps: {
  store: AlertStore
  evaluateDevice: EvaluateDevice
  evaluateOffline: EvaluateOffline
  /**
   * Whether `evaluateDevice` reads any field but `ts` of a telemetry reading (rules/evaluate-device.ts);
   * where it does not, the engine skims the reading instead of decoding it. Default: every reading is
   * decoded in full.
   */
  readsTelemetryFields?: (state: DeviceRuleState, kind: DeviceKind, ts: number) => boolean
  /**
   * Whether a device's next reading is likely one `evaluateDevice` reads no field but `ts` of, asked
   * before skimming it (rules/evaluate-device.ts): a reading that is then decoded in full anyway paid
   * for the skim in vain. Default: a skim is tried wherever readsTelemetryFields is given.
   */
  skimLikely?: (state: DeviceRuleState, kind: DeviceKind) => boolean
  /** default: nothing is forgotten (rules that raise on every reading need nothing) */
  forgetClearedAlert?: ForgetClearedAlert
  lookup: ReturnType<typeof createDeviceLookup>['get']
  applySignal: ReturnType<typeof createSignalApplier>['apply']
  metrics: EngineMetrics
  log: Logger
  now: () => number
  /** since when the node has been listening (default: now); see EvaluateOffline `heardSinceMs` */
  listeningSince?: number
}): EngineBatches {
  const { store, evaluateDevice, evaluateOffline, lookup, applySignal, metrics, log, now } = deps
  const { readsTelemetryFields, skimLikely } = deps
  const states: Map<string, DeviceRuleState> = store.ruleStates()
  /** position of the last record applied to `states` (in memory) */
  let dbPos = store.position()
  /** position of the last snapshot in alerts.db: where a restart resumes */
  let snapPos = dbPos
  let processed = 0
  /** since when this engine has been listening: the offline rule does not count the time before */
  const listeningSince = deps.listeningSince ?? now()
  /** behind the spool (the last read returned records, or nothing has been read yet) */
  let behind = true
  /** arrival (wall clock) of the newest record applied */
  let readUpTo: number | undefined
  const dirty = new Set<string>()
  let lastSnapshotAt = Date.now()

  const stateJson = createStateJson()
  const writeSnapshot = () => {
    for (const id of dirty) store.putRuleState(id, stateJson.json(states.get(id)!))
    if (dbPos) store.putPosition(dbPos)
    stateJson.snapshotWritten()
  }
  const snapshotTaken = () => {
    dirty.clear()
    snapPos = dbPos
    lastSnapshotAt = Date.now()
  }

  /** topics parsed once: a device publishes on the same few again and again (engine-topics.ts) */
  const deviceTopic = createTopicParser()

  /**
   * A circuit monitor's telemetry whose fields but `ts` the rules will not read (readsTelemetryFields),
   * from its bytes without decoding it (engine-skim.ts), where they show decodeMessage would accept it;
   * undefined when it must be decoded in full. The reading handed on carries `ts` and `kind` only.
   */
  const skimmed = (
    deviceId: string,
    channel: string,
    device: RuleDevice,
    prev: DeviceRuleState | undefined,
    e: SpoolEntry,
  ): DecodedMessage | undefined => {
    if (!readsTelemetryFields || channel !== 'telemetry' || device.kind !== 'circuit-monitor')
      return undefined
    if (prev === undefined || (skimLikely && !skimLikely(prev, device.kind))) return undefined
    const ts = skimCircuitReading(e.payload)
    // outside decodeMessage's window on `ts` the reading is rejected: decoded in full, to be counted so
    if (ts === SKIM_UNSURE || !tsAccepted(ts, e.arrivalMs)) return undefined
    if (readsTelemetryFields(prev, device.kind, ts)) return undefined
    const reading = { ts, kind: device.kind } as CircuitMonitorTelemetry
    return { type: 'telemetry', deviceId, kind: device.kind, reading }
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
      const t = deviceTopic(e.topic)
      const cached = t && lookup(t.deviceId, nowMs)
      const prev = cached ? states.get(cached.device.id) : undefined
      const msg = cached && skimmed(t.deviceId, t.channel, cached.device, prev, e)
      const r = msg ? undefined : decodeMessage(e.topic, e.payload, cached?.device, e.arrivalMs)
      if (!cached || (r && (!r.ok || r.value.type === 'command_ack'))) {
        rejected++
        continue
      }
      const { device, settings } = cached
      let res: ReturnType<EvaluateDevice>
      try {
        res = evaluateDevice(prev ?? {}, {
          device,
          msg: msg ?? (r as Extract<DecodeResult, { ok: true }>).value,
          arrivalMs: e.arrivalMs,
          settings,
        })
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

  return {
    // A batch with neither signals nor a due snapshot (most of them) opens no transaction: an empty one
    // cost more than the rules for a batch of a few dozen records.
    process(entries) {
      const out = emptyOutbox()
      const before = new Map<string, DeviceRuleState | undefined>()
      const prevPos = dbPos
      let snapshot = false
      let batch: ReturnType<typeof evaluateBatch>
      try {
        batch = evaluateBatch(entries, before)
        // After a restart the spool replays from its checkpoint, which may lag the snapshot (it moves once
        // alerts.db is synced): a batch wholly at or before the snapshot must not move the position back,
        // or the records between its end and the snapshot would be evaluated, and counted, again.
        const last = entries[entries.length - 1]!
        if (!dbPos || comparePositions(last.pos, dbPos) > 0) dbPos = last.pos
        readUpTo = Math.max(readUpTo ?? last.arrivalMs, last.arrivalMs)
        for (const id of before.keys()) dirty.add(id)
        // a `protect` signal (a protective command's retry, on every reading of a port still hot) changes no
        // alert: alone, it opens no transaction and writes no snapshot before one is due
        const changes = batch.signals.some((x) => x.signal.action !== 'protect')
        if (changes || Date.now() - lastSnapshotAt >= SNAPSHOT_EVERY_MS) {
          store.transaction(() => {
            for (const { device, signal } of batch.signals) applySignal(device, signal, out)
            writeSnapshot()
          })
          snapshot = true
        } else for (const { device, signal } of batch.signals) applySignal(device, signal, out)
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
    },

    noteRead(gotRecords) {
      behind = gotRecords
    },

    tick(nowMs) {
      const at = behind ? Math.min(nowMs, Math.max(readUpTo ?? listeningSince, listeningSince)) : nowMs
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
              res = evaluateOffline(prev, cached.device, at, cached.settings, listeningSince)
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
      return out
    },

    snapshotNow() {
      try {
        store.transaction(writeSnapshot)
        snapshotTaken()
        return true
      } catch (err) {
        // the spool replays from the last snapshot at the next start
        metrics.errors.inc({ stage: 'database' })
        log.error({ err }, 'rule-state snapshot not stored')
        return false
      }
    },
    forgetCleared(deviceId, alert) {
      const prev = states.get(deviceId)
      const next = prev && deps.forgetClearedAlert?.(prev, alert)
      if (!prev || !next || next === prev) return undefined
      const wasDirty = dirty.has(deviceId)
      states.set(deviceId, next)
      dirty.add(deviceId)
      // the whole snapshot, not this device's state alone: the state in memory may be past the stored
      // position, and the stored states and position must agree for a replay after a crash
      try {
        writeSnapshot()
      } catch (err) {
        states.set(deviceId, prev)
        if (!wasDirty) dirty.delete(deviceId)
        throw err
      }
      return {
        done: snapshotTaken,
        undo: () => {
          states.set(deviceId, prev)
          if (!wasDirty) dirty.delete(deviceId)
        },
      }
    },
    position: () => dbPos,
    snapshotPosition: () => snapPos,
    devices: () => states.size,
    processed: () => processed,
  }
}
