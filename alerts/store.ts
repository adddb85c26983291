// Alerts, their history (transitions), per-device rule state, held-back signals, settings overrides and
// the engine's spool position, in alerts.db. Synchronous (better-sqlite3): the engine groups a batch's
// writes in one transaction with `store.transaction(fn)`.
import type {
  Alert,
  AlertState,
  AlertTransition,
  AlertType,
  Severity,
  TransitionKind,
} from '../domain/alerts.ts'
import type { SpoolPosition } from '../spool/index.ts'
import { type AlertsDb, migratePart, noteSettingsWrite } from './db.ts'
import { ALERT_STORE_MIGRATIONS } from './store-schema.ts'
import type { DeviceRuleState, RuleSignal } from './types.ts'

/** An alert as stored: the API object plus its tenant and dedup key (`port:3`, `port:3:leakage`, or ''). */
export interface StoredAlert extends Alert {
  tenantId: string
  key: string
}

/** `open` = active + acknowledged (the default of the list route). */
export const ALERT_STATE_FILTERS = ['open', 'active', 'acknowledged', 'cleared', 'all'] as const
export type AlertStateFilter = (typeof ALERT_STATE_FILTERS)[number]

export interface AlertQuery {
  /** null/undefined: every tenant */
  tenantId?: string | null
  state?: AlertStateFilter
  severity?: Severity
  siteId?: string
  deviceId?: string
  type?: AlertType
  /** raisedAt ≥ from, epoch ms */
  from?: number
  /** raisedAt < to, epoch ms */
  to?: number
  limit: number
  /** keyset: alerts raised before this one (newest first) */
  after?: { raisedAt: number; id: string }
}

export type SettingsScope = 'site' | 'device'

/** Alerts raised in a window, counted per site and type (reports). */
export interface RaisedCountQuery {
  /** null/undefined: every tenant */
  tenantId?: string | null
  /** only these sites */
  siteIds: readonly string[]
  type?: AlertType
  /** raisedAt ≥ from, epoch ms */
  from: number
  /** raisedAt < to, epoch ms */
  to: number
}

export interface RaisedCount {
  siteId: string
  type: AlertType
  /** alerts raised in the window */
  raised: number
  /** of those, how many are still open (active or acknowledged) now */
  open: number
}

export function migrateAlertStore(db: AlertsDb): number {
  return migratePart(db, 'engine', ALERT_STORE_MIGRATIONS)
}

export interface AlertRow {
  id: string
  tenant_id: string
  type: AlertType
  severity: Severity
  state: AlertState
  device_id: string
  site_id: string
  port: number | null
  key: string
  message: string
  raised_at: number
  acknowledged_at: number | null
  acknowledged_by: string | null
  cleared_at: number | null
  cleared_by: string | null
  last_value: string | null
  count: number
  updated_at: number
  /** added by migration 2 */
  evidence: string | null
}

export interface TransitionRow {
  alert_id: string
  kind: TransitionKind
  at: number
  by: string
  note: string | null
  severity: Severity | null
  value: string | null
  detail: string | null
}

export const fromRow = (r: AlertRow): StoredAlert => {
  const a: StoredAlert = {
    id: r.id,
    tenantId: r.tenant_id,
    key: r.key,
    type: r.type,
    severity: r.severity,
    state: r.state,
    deviceId: r.device_id,
    siteId: r.site_id,
    message: r.message,
    raisedAt: r.raised_at,
    count: r.count,
    updatedAt: r.updated_at,
  }
  if (r.port !== null) a.port = r.port
  if (r.acknowledged_at !== null) a.acknowledgedAt = r.acknowledged_at
  if (r.acknowledged_by !== null) a.acknowledgedBy = r.acknowledged_by
  if (r.cleared_at !== null) a.clearedAt = r.cleared_at
  if (r.cleared_by !== null) a.clearedBy = r.cleared_by
  if (r.last_value !== null) a.lastValue = JSON.parse(r.last_value)
  if (r.evidence !== null && r.evidence !== undefined) a.evidence = JSON.parse(r.evidence)
  return a
}

const toRow = (a: StoredAlert) => ({
  id: a.id,
  tenant_id: a.tenantId,
  type: a.type,
  severity: a.severity,
  state: a.state,
  device_id: a.deviceId,
  site_id: a.siteId,
  port: a.port ?? null,
  key: a.key,
  message: a.message,
  raised_at: a.raisedAt,
  acknowledged_at: a.acknowledgedAt ?? null,
  acknowledged_by: a.acknowledgedBy ?? null,
  cleared_at: a.clearedAt ?? null,
  cleared_by: a.clearedBy ?? null,
  last_value: a.lastValue === undefined ? null : JSON.stringify(a.lastValue),
  count: a.count,
  updated_at: a.updatedAt,
  evidence: a.evidence === undefined ? null : JSON.stringify(a.evidence),
})

export const fromTransitionRow = (r: TransitionRow): AlertTransition => {
  const t: AlertTransition = { alertId: r.alert_id, kind: r.kind, at: r.at, by: r.by }
  if (r.note !== null) t.note = r.note
  if (r.severity !== null) t.severity = r.severity
  if (r.value !== null) t.value = JSON.parse(r.value)
  if (r.detail !== null) t.detail = JSON.parse(r.detail)
  return t
}

/** SQL condition per state filter; `all` has none. */
const STATE_SQL: Record<AlertStateFilter, string | undefined> = {
  open: "state != 'cleared'",
  active: "state = 'active'",
  acknowledged: "state = 'acknowledged'",
  cleared: "state = 'cleared'",
  all: undefined,
}

export function createAlertStore(db: AlertsDb) {
  migrateAlertStore(db)
  const q = {
    open: db.prepare('SELECT * FROM alerts WHERE device_id = ? AND key = ? AND type = ? AND state != ?'),
    openOfDevice: db.prepare("SELECT * FROM alerts WHERE device_id = ? AND state != 'cleared'"),
    get: db.prepare('SELECT * FROM alerts WHERE id = ?'),
    insert: db.prepare(`INSERT INTO alerts VALUES (@id, @tenant_id, @type, @severity, @state, @device_id,
      @site_id, @port, @key, @message, @raised_at, @acknowledged_at, @acknowledged_by, @cleared_at, @cleared_by,
      @last_value, @count, @updated_at, @evidence)`),
    update: db.prepare(`UPDATE alerts SET severity = @severity, state = @state, message = @message,
      acknowledged_at = @acknowledged_at, acknowledged_by = @acknowledged_by, cleared_at = @cleared_at,
      cleared_by = @cleared_by, last_value = @last_value, count = @count, updated_at = @updated_at,
      evidence = @evidence WHERE id = @id`),
    addTransition:
      db.prepare(`INSERT INTO alert_transitions (alert_id, kind, at, by, note, severity, value, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    history: db.prepare('SELECT * FROM alert_transitions WHERE alert_id = ? ORDER BY seq'),
    countsByState: db.prepare(
      "SELECT state, count(*) AS n FROM alerts WHERE state != 'cleared' GROUP BY state",
    ),
    ruleStates: db.prepare('SELECT device_id, state FROM alert_rule_state'),
    putRuleState: db.prepare(
      'INSERT INTO alert_rule_state VALUES (?, ?) ON CONFLICT (device_id) DO UPDATE SET state = excluded.state',
    ),
    held: db.prepare('SELECT signal FROM alert_held WHERE device_id = ?'),
    hold: db.prepare(
      'INSERT INTO alert_held VALUES (?, ?, ?, ?) ON CONFLICT (device_id, key, type) DO UPDATE SET signal = excluded.signal',
    ),
    unhold: db.prepare('DELETE FROM alert_held WHERE device_id = ? AND key = ? AND type = ?'),
    unholdAll: db.prepare('DELETE FROM alert_held WHERE device_id = ?'),
    getSettings: db.prepare('SELECT settings FROM alert_settings WHERE scope = ? AND id = ?'),
    putSettings: db.prepare(`INSERT INTO alert_settings VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (scope, id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at,
      updated_by = excluded.updated_by`),
    position: db.prepare('SELECT segment, offset FROM alert_engine_position WHERE id = 1'),
    putPosition: db.prepare(`INSERT INTO alert_engine_position VALUES (1, ?, ?)
      ON CONFLICT (id) DO UPDATE SET segment = excluded.segment, offset = excluded.offset`),
  }

  return {
    db,
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate()
    },
    findOpen(deviceId: string, key: string, type: AlertType): StoredAlert | undefined {
      const r = q.open.get(deviceId, key, type, 'cleared') as AlertRow | undefined
      return r && fromRow(r)
    },
    openOfDevice(deviceId: string): StoredAlert[] {
      return (q.openOfDevice.all(deviceId) as AlertRow[]).map(fromRow)
    },
    get(id: string): StoredAlert | undefined {
      const r = q.get.get(id) as AlertRow | undefined
      return r && fromRow(r)
    },
    insert(a: StoredAlert): void {
      q.insert.run(toRow(a))
    },
    update(a: StoredAlert): void {
      q.update.run(toRow(a))
    },
    addTransition(t: AlertTransition): void {
      q.addTransition.run(
        t.alertId,
        t.kind,
        t.at,
        t.by,
        t.note ?? null,
        t.severity ?? null,
        t.value === undefined ? null : JSON.stringify(t.value),
        t.detail === undefined ? null : JSON.stringify(t.detail),
      )
    },
    history(alertId: string): AlertTransition[] {
      return (q.history.all(alertId) as TransitionRow[]).map(fromTransitionRow)
    },
    /** Newest first (raisedAt, then id). */
    list(query: AlertQuery): StoredAlert[] {
      const where: string[] = []
      const args: (string | number)[] = []
      const stateSql = STATE_SQL[query.state ?? 'open']
      if (stateSql) where.push(stateSql)
      const eq = (col: string, v: string | undefined) => {
        if (v === undefined) return
        where.push(`${col} = ?`)
        args.push(v)
      }
      eq('tenant_id', query.tenantId ?? undefined)
      eq('severity', query.severity)
      eq('site_id', query.siteId)
      eq('device_id', query.deviceId)
      eq('type', query.type)
      if (query.from !== undefined) {
        where.push('raised_at >= ?')
        args.push(query.from)
      }
      if (query.to !== undefined) {
        where.push('raised_at < ?')
        args.push(query.to)
      }
      if (query.after) {
        where.push('(raised_at < ? OR (raised_at = ? AND id < ?))')
        args.push(query.after.raisedAt, query.after.raisedAt, query.after.id)
      }
      const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY raised_at DESC, id DESC LIMIT ?`
      return (db.prepare(sql).all(...args, query.limit) as AlertRow[]).map(fromRow)
    },
    /** Counted in SQLite over the raised_at index: a report reads one row per site and type, not every alert. */
    countRaised(query: RaisedCountQuery): RaisedCount[] {
      if (!query.siteIds.length) return []
      const where = [
        'raised_at >= ?',
        'raised_at < ?',
        `site_id IN (${query.siteIds.map(() => '?').join(',')})`,
      ]
      const args: (string | number)[] = [query.from, query.to, ...query.siteIds]
      if (query.tenantId) {
        where.push('tenant_id = ?')
        args.push(query.tenantId)
      }
      if (query.type) {
        where.push('type = ?')
        args.push(query.type)
      }
      const sql = `SELECT site_id AS siteId, type, count(*) AS raised,
        sum(CASE WHEN state != 'cleared' THEN 1 ELSE 0 END) AS open
        FROM alerts WHERE ${where.join(' AND ')} GROUP BY site_id, type ORDER BY site_id, type`
      return db.prepare(sql).all(...args) as RaisedCount[]
    },
    countsByState(): Record<'active' | 'acknowledged', number> {
      const out = { active: 0, acknowledged: 0 }
      for (const r of q.countsByState.all() as { state: 'active' | 'acknowledged'; n: number }[])
        out[r.state] = r.n
      return out
    },
    ruleStates(): Map<string, DeviceRuleState> {
      const rows = q.ruleStates.all() as { device_id: string; state: string }[]
      return new Map(rows.map((r) => [r.device_id, JSON.parse(r.state) as DeviceRuleState]))
    },
    /** `json`: the state as JSON (the engine's snapshots write it through alerts/state-json.ts) */
    putRuleState(deviceId: string, json: string): void {
      q.putRuleState.run(deviceId, json)
    },
    held(deviceId: string): RuleSignal[] {
      return (q.held.all(deviceId) as { signal: string }[]).map((r) => JSON.parse(r.signal) as RuleSignal)
    },
    hold(deviceId: string, key: string, signal: RuleSignal): void {
      q.hold.run(deviceId, key, signal.type, JSON.stringify(signal))
    },
    unhold(deviceId: string, key: string, type: AlertType): void {
      q.unhold.run(deviceId, key, type)
    },
    unholdAll(deviceId: string): void {
      q.unholdAll.run(deviceId)
    },
    getSettings(scope: SettingsScope, id: string): Record<string, unknown> | undefined {
      const r = q.getSettings.get(scope, id) as { settings: string } | undefined
      return r && (JSON.parse(r.settings) as Record<string, unknown>)
    },
    putSettings(scope: SettingsScope, id: string, settings: Record<string, unknown>, by: string, at: number) {
      q.putSettings.run(scope, id, JSON.stringify(settings), at, by)
      noteSettingsWrite(db)
    },
    position(): SpoolPosition | undefined {
      return q.position.get() as SpoolPosition | undefined
    },
    putPosition(pos: SpoolPosition): void {
      q.putPosition.run(pos.segment, pos.offset)
    },
  }
}

export type AlertStore = ReturnType<typeof createAlertStore>
