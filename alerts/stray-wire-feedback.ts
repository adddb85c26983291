// Crews teach the stray-wire detector: clearing a `stray_wire_charging` alert as "not charging: lights"
// (or a compressor, equipment, something else) keeps that load's signature for the circuit, and the
// detector stops alerting on it; undoing forgets it again. A learned signature the detector found on its
// own can be forgotten the same way. Kept in alerts.db (part `stray-wire-feedback`), read by the engine
// with the device's settings and by the API.
import type { AlertsDb, PartMigration } from './db.ts'
import { migratePart, noteSettingsWrite } from './db.ts'
import { MIN } from './minute.ts'
import {
  compressorsAccountingFor,
  type LoadSignature,
  type SignatureKind,
} from './stray-wire-circuit-normal.ts'

const MIGRATIONS: readonly PartMigration[] = [
  {
    version: 1,
    description: 'crews answers to stray-wire alerts: taught signatures and forgotten learned ones',
    sql: `
      CREATE TABLE stray_wire_feedback (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        action TEXT NOT NULL,
        signature TEXT NOT NULL,
        by TEXT NOT NULL,
        at INTEGER NOT NULL,
        undone_at INTEGER,
        undone_by TEXT
      );
      CREATE INDEX stray_wire_feedback_by_device ON stray_wire_feedback (device_id) WHERE undone_at IS NULL;
    `,
  },
]

/** What the detector gets with a device's settings. */
export interface StrayWireFeedback {
  taught: LoadSignature[]
  /** ids of learned signatures a crew undid */
  forget: string[]
}

/** What a raised alert's evidence says about the load (alerts/stray-wire-explain.ts). */
export interface TaughtFrom {
  alertId: string
  deviceId: string
  raisedAt: number
  evidence: Record<string, unknown> | undefined
  lastValue: unknown
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null)

/** Lights a crew named stay on for the evening after they came on. */
const TAUGHT_LIGHTS_HOURS = 12

/**
 * The signature a crew's "not charging: <kind>" answer teaches, from the alert's evidence alone: its load's
 * level and harmonic current per W, and for lights the evening from the load's onset on. Pure: the API's
 * clear (`teach` below) and the evaluation's simulated crews (eval/stray-wire) both build it here.
 */
export function taughtSignature(
  from: TaughtFrom,
  kind: SignatureKind,
  at: number,
  utcOffsetMin: number,
  note?: string,
): LoadSignature {
  const e = from.evidence ?? {}
  const levelW = num(e.levelW) ?? num(from.lastValue)
  if (levelW === null || levelW <= 0)
    throw new RangeError(`alert ${from.alertId} carries no load level to learn from`)
  // the load came on heldMin before the raise (explainRaise): a crew's lights are on from then, so a
  // window from the raise (or from the clear) would miss the minutes before it the next evening
  const heldMin = num(e.heldMin)
  const onsetTs = heldMin !== null && heldMin > 0 ? from.raisedAt - Math.round(heldMin) * MIN : from.raisedAt
  const local = Math.floor(onsetTs / MIN) + utcOffsetMin
  const minute = ((local % 1440) + 1440) % 1440
  return {
    id: `c-${from.alertId}`,
    kind,
    source: 'crew',
    levelW: Math.round(levelW),
    harmonicRatio: num(e.harmonicPerW),
    window: kind === 'lights' ? { fromMin: minute, toMin: (minute + TAUGHT_LIGHTS_HOURS * 60) % 1440 } : null,
    count: 1,
    firstTs: onsetTs,
    lastTs: at,
    alertId: from.alertId,
    ...(note === undefined ? {} : { note }),
  }
}

/**
 * A compressor a crew named from an alert on a meter without PF and THD (its signature has no harmonic
 * share) is, by watts alone, left to the circuit's own compressors once they account for it (the
 * detector's taughtInForce): the ids of the learned ones it is handed over to, so that the API and the
 * console can say so; none while the crew's answer is what holds such loads back.
 */
export function handedOverTo(
  taught: LoadSignature,
  learned: readonly LoadSignature[],
  forget: readonly string[] = [],
): string[] {
  if (taught.source !== 'crew' || taught.kind !== 'compressor' || taught.harmonicRatio !== null) return []
  return compressorsAccountingFor(learned, taught, forget)
}

export function createStrayWireFeedback(db: AlertsDb) {
  migratePart(db, 'stray-wire-feedback', MIGRATIONS)
  const q = {
    ruleState: db.prepare('SELECT state FROM alert_rule_state WHERE device_id = ?'),
    active: db.prepare(
      'SELECT id, action, signature FROM stray_wire_feedback WHERE device_id = ? AND undone_at IS NULL ORDER BY at',
    ),
    insert: db.prepare(
      'INSERT INTO stray_wire_feedback (id, device_id, action, signature, by, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // one row per alert answered: a second answer (or the same request sent again) replaces the first and
    // is in force, in one statement
    answer: db.prepare(
      `INSERT INTO stray_wire_feedback (id, device_id, action, signature, by, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET device_id = excluded.device_id, action = excluded.action,
         signature = excluded.signature, by = excluded.by, at = excluded.at, undone_at = NULL, undone_by = NULL`,
    ),
    undo: db.prepare(
      'UPDATE stray_wire_feedback SET undone_at = ?, undone_by = ? WHERE id = ? AND device_id = ? AND undone_at IS NULL',
    ),
  }
  return {
    /** The crew's answer to an alert: its load as seen when raised becomes a signature of the circuit. */
    teach(
      from: TaughtFrom,
      kind: SignatureKind,
      by: string,
      at: number,
      utcOffsetMin: number,
      note?: string,
    ): LoadSignature {
      const sig = taughtSignature(from, kind, at, utcOffsetMin, note)
      // a second answer to the same alert replaces the first. It was an undo and then an insert of the
      // same id: the insert failed on the key, so a retried clear undid what the crew had taught
      q.answer.run(sig.id, from.deviceId, 'taught', JSON.stringify(sig), by, at)
      noteSettingsWrite(db)
      return sig
    },
    /** Stops a learned signature from counting as the circuit's normal. */
    forgetLearned(deviceId: string, sig: LoadSignature, by: string, at: number): void {
      q.insert.run(`f-${sig.id}-${at}`, deviceId, 'forget', JSON.stringify(sig), by, at)
      noteSettingsWrite(db)
    },
    /** Undoes a crew's answer; false when there is none by that id. */
    undoTaught(deviceId: string, id: string, by: string, at: number): boolean {
      const undone = q.undo.run(at, by, id, deviceId).changes > 0
      noteSettingsWrite(db)
      return undone
    },
    /**
     * What the detector learned on its own for this circuit, as of the engine's last snapshot (at most a
     * second old), less what crews undid.
     */
    learned(deviceId: string): LoadSignature[] {
      const row = q.ruleState.get(deviceId) as { state: string } | undefined
      if (!row) return []
      let sigs: LoadSignature[] = []
      try {
        const st = JSON.parse(row.state) as { strayWire?: { normal?: { signatures?: LoadSignature[] } } }
        sigs = st.strayWire?.normal?.signatures ?? []
      } catch {
        return []
      }
      const forgotten = new Set(this.forDevice(deviceId).forget)
      return sigs.filter((s) => !forgotten.has(s.id))
    },
    forDevice(deviceId: string): StrayWireFeedback {
      const rows = q.active.all(deviceId) as { id: string; action: string; signature: string }[]
      const out: StrayWireFeedback = { taught: [], forget: [] }
      for (const r of rows) {
        const sig = JSON.parse(r.signature) as LoadSignature
        if (r.action === 'taught') out.taught.push(sig)
        else out.forget.push(sig.id)
      }
      return out
    },
  }
}

export type StrayWireFeedbackStore = ReturnType<typeof createStrayWireFeedback>
