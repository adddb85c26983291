// The alerts' history in commit order, for a part that must act on every change exactly once across
// crashes (the notifier): it keeps its own position (a transition `seq`) in alerts.db, in the same
// transaction as what it did, and reads what came after. The bus only says "something new"; a change the
// engine committed and announced to a process that died before acting is still here at the next start.
// `seq` order is commit order: SQLite has one writer at a time and AUTOINCREMENT never reuses a number.
import type { AlertState, AlertTransition } from '../domain/alerts.ts'
import type { AlertChange } from '../domain/bus.ts'
import type { AlertsDb } from './db.ts'
import { publicAlert } from './lifecycle.ts'
import {
  type AlertRow,
  fromRow,
  fromTransitionRow,
  migrateAlertStore,
  type StoredAlert,
  type TransitionRow,
} from './store.ts'

export interface FedChange {
  seq: number
  change: AlertChange
}

export interface TransitionFeed {
  /** the newest transition's seq, 0 when there is none */
  lastSeq(): number
  /**
   * Up to `limit` transitions after `seq`, oldest first, each with its alert as it stood then (see
   * `asOf`). A transition whose alert row is gone is left out, one whose row cannot be read is named in
   * `unreadable`; the page's `lastSeq` covers both, so one bad row never holds the rest back.
   */
  after(
    seq: number,
    limit: number,
  ): { changes: FedChange[]; lastSeq: number; unreadable: { seq: number; error: string }[] }
}

export function createTransitionFeed(db: AlertsDb): TransitionFeed {
  // the reader may open alerts.db before the engine has (tests, a first start): the tables must exist
  migrateAlertStore(db)
  const q = {
    last: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM alert_transitions'),
    after: db.prepare('SELECT * FROM alert_transitions WHERE seq > ? ORDER BY seq LIMIT ?'),
    alert: db.prepare('SELECT * FROM alerts WHERE id = ?'),
    // state only moves forward (active → acknowledged → cleared): the latest of these before seq decides
    stateBefore: db.prepare(
      `SELECT kind FROM alert_transitions WHERE alert_id = ? AND seq < ? AND kind IN ('acknowledged', 'cleared')
       ORDER BY seq DESC LIMIT 1`,
    ),
  }

  const stateBefore = (alertId: string, seq: number): AlertState => {
    const r = q.stateBefore.get(alertId, seq) as { kind: 'acknowledged' | 'cleared' } | undefined
    return r?.kind ?? 'active'
  }

  /**
   * The alert as it stood right after transition `seq`, from its row now: its state and who acknowledged
   * or cleared it are exact, severity and last value where the transition carries them (raises, rises,
   * repeats); message, count and evidence are the latest. Planned late (after an outage), a raise is
   * still routed at the severity it was raised with, and a crew's "raised" page does not read "cleared".
   */
  const asOf = (now: StoredAlert, t: AlertTransition, seq: number): StoredAlert => {
    let state: AlertState
    switch (t.kind) {
      case 'raised':
        state = 'active'
        break
      case 'acknowledged':
        state = 'acknowledged'
        break
      case 'cleared':
        state = 'cleared'
        break
      case 'repeated':
      case 'severity_changed':
      case 'command':
      case 'notified':
        state = now.state === 'active' ? 'active' : stateBefore(t.alertId, seq)
        break
      default: {
        const never: never = t.kind
        throw new Error(`unknown transition kind ${String(never)}`)
      }
    }
    const a: StoredAlert = { ...now, state }
    if (t.severity !== undefined) a.severity = t.severity
    if (t.value !== undefined) a.lastValue = t.value
    if (state !== 'cleared') {
      delete a.clearedAt
      delete a.clearedBy
    }
    if (state === 'active') {
      delete a.acknowledgedAt
      delete a.acknowledgedBy
    }
    return a
  }

  return {
    lastSeq: () => (q.last.get() as { seq: number }).seq,
    after(seq, limit) {
      const rows = q.after.all(seq, limit) as (TransitionRow & { seq: number })[]
      const alerts = new Map<string, StoredAlert | undefined>()
      const changes: FedChange[] = []
      const unreadable: { seq: number; error: string }[] = []
      for (const r of rows) {
        try {
          if (!alerts.has(r.alert_id)) {
            const row = q.alert.get(r.alert_id) as AlertRow | undefined
            alerts.set(r.alert_id, row && fromRow(row))
          }
          const now = alerts.get(r.alert_id)
          if (!now) continue
          const transition = fromTransitionRow(r)
          const alert = asOf(now, transition, r.seq)
          changes.push({
            seq: r.seq,
            change: { alert: publicAlert(alert), transition, tenantId: alert.tenantId },
          })
        } catch (err) {
          // JSON that does not parse, a kind this build does not know
          unreadable.push({ seq: r.seq, error: (err as Error).message })
        }
      }
      return { changes, lastSeq: rows.at(-1)?.seq ?? seq, unreadable }
    },
  }
}
