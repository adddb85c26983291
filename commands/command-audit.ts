// The command audit: every command, manual or automatic, with who/what/when/result.
// A table in alerts.db (alerts/db.ts opens it), so it sits beside the alerts it is shown on.
import { type AlertsDb, migratePart, type PartMigration } from '../alerts/index.ts'

/**
 * `pending` until the ack (`ok`, or `error`: the device refused), `timeout`, `not_sent` (the broker did
 * not take the publish) or `interrupted` (the service stopped while waiting).
 */
export const COMMAND_RESULTS = ['pending', 'ok', 'error', 'timeout', 'not_sent', 'interrupted'] as const
export type CommandOutcome = (typeof COMMAND_RESULTS)[number]

export interface CommandAuditRow {
  id: string
  deviceId: string
  tenantId: string
  name: string
  args: Record<string, unknown>
  /** `user:<username>`, `token:<token name>` or `auto` */
  by: string
  alertId?: string
  /** epoch ms, when the request was accepted (before the publish) */
  requestedAt: number
  result: CommandOutcome
  /** the device's error, `timeout`, or why it never got an answer */
  error?: string
  /** epoch ms of the device's ack */
  ackAt?: number
  /** the ack came after the caller had been told `timeout` */
  lateAck?: boolean
}

const MIGRATIONS: readonly PartMigration[] = [
  {
    version: 1,
    description: 'device_commands: the command audit',
    sql: `
      CREATE TABLE device_commands (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        args TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        alert_id TEXT,
        requested_at INTEGER NOT NULL,
        result TEXT NOT NULL DEFAULT 'pending',
        error TEXT,
        ack_at INTEGER,
        late_ack INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX device_commands_by_device ON device_commands (device_id, requested_at DESC, id DESC);
      CREATE INDEX device_commands_by_alert ON device_commands (alert_id, requested_at) WHERE alert_id IS NOT NULL;
      CREATE INDEX device_commands_pending ON device_commands (result) WHERE result = 'pending';
    `,
  },
  {
    version: 2,
    // v1 keyed rows on the id alone, so a caller-chosen id one tenant had used was refused (409) to every
    // other tenant: it told them the id existed, and let one tenant take ids another was about to use
    description: 'device_commands: command ids are unique per tenant, not across tenants',
    sql: `
      CREATE TABLE device_commands_v2 (
        id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        args TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        alert_id TEXT,
        requested_at INTEGER NOT NULL,
        result TEXT NOT NULL DEFAULT 'pending',
        error TEXT,
        ack_at INTEGER,
        late_ack INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, id)
      );
      INSERT INTO device_commands_v2 (id, device_id, tenant_id, name, args, requested_by, alert_id,
        requested_at, result, error, ack_at, late_ack)
      SELECT id, device_id, tenant_id, name, args, requested_by, alert_id, requested_at, result, error,
        ack_at, late_ack FROM device_commands;
      DROP TABLE device_commands;
      ALTER TABLE device_commands_v2 RENAME TO device_commands;
      CREATE INDEX device_commands_by_device ON device_commands (device_id, requested_at DESC, id DESC);
      CREATE INDEX device_commands_by_alert ON device_commands (alert_id, requested_at) WHERE alert_id IS NOT NULL;
      CREATE INDEX device_commands_pending ON device_commands (result) WHERE result = 'pending';
      -- an ack names the device (its topic) and the id, not the tenant
      CREATE UNIQUE INDEX device_commands_by_device_id ON device_commands (device_id, id);
    `,
  },
]

/** The `commands` part's tables in alerts.db (beside the engine's and the notifier's). Idempotent. */
export function migrateCommandTables(db: AlertsDb): void {
  migratePart(db, 'commands', MIGRATIONS)
}

interface Row {
  id: string
  device_id: string
  tenant_id: string
  name: string
  args: string
  requested_by: string
  alert_id: string | null
  requested_at: number
  result: CommandOutcome
  error: string | null
  ack_at: number | null
  late_ack: number
}

function toAudit(r: Row): CommandAuditRow {
  const out: CommandAuditRow = {
    id: r.id,
    deviceId: r.device_id,
    tenantId: r.tenant_id,
    name: r.name,
    args: JSON.parse(r.args) as Record<string, unknown>,
    by: r.requested_by,
    requestedAt: r.requested_at,
    result: r.result,
  }
  if (r.alert_id !== null) out.alertId = r.alert_id
  if (r.error !== null) out.error = r.error
  if (r.ack_at !== null) out.ackAt = r.ack_at
  if (r.late_ack) out.lateAck = true
  return out
}

export interface CommandAudit {
  /** Written before the publish: a command that crashes the process mid-flight is still on record. */
  insert(row: Omit<CommandAuditRow, 'result' | 'error' | 'ackAt' | 'lateAck'>): void
  /** Settles a pending row; false when it was not pending any more. */
  settle(
    tenantId: string,
    id: string,
    s: { result: Exclude<CommandOutcome, 'pending'>; error?: string; ackAt?: number },
  ): boolean
  /** An ack for a command already settled as `timeout`: the device did act, after the wait. */
  recordLateAck(id: string, deviceId: string, ack: { ok: boolean; error?: string; at: number }): boolean
  /** Rows a previous process left pending (it stopped while waiting) become `interrupted`. */
  interruptPending(): number
  /** Command ids are the tenant's own: another tenant may use the same id for a command of its own. */
  get(tenantId: string, id: string): CommandAuditRow | undefined
  /** Newest first; keyset paging on (requestedAt, id). */
  listForDevice(
    deviceId: string,
    page: { limit: number; before?: { at: number; id: string } },
  ): CommandAuditRow[]
  /** Oldest first: the order they happened in on the alert. */
  listForAlert(alertId: string): CommandAuditRow[]
}

export function createCommandAudit(db: AlertsDb): CommandAudit {
  migrateCommandTables(db)
  const insert = db.prepare(
    `INSERT INTO device_commands (id, device_id, tenant_id, name, args, requested_by, alert_id, requested_at)
     VALUES (@id, @deviceId, @tenantId, @name, @args, @by, @alertId, @requestedAt)`,
  )
  const settle = db.prepare(
    `UPDATE device_commands SET result = @result, error = @error, ack_at = @ackAt
     WHERE tenant_id = @tenantId AND id = @id AND result = 'pending'`,
  )
  const late = db.prepare(
    `UPDATE device_commands SET result = @result, error = @error, ack_at = @ackAt, late_ack = 1
     WHERE id = @id AND device_id = @deviceId AND result = 'timeout' AND late_ack = 0`,
  )
  const interrupt = db.prepare(
    `UPDATE device_commands SET result = 'interrupted', error = 'the service stopped while waiting for the ack'
     WHERE result = 'pending'`,
  )
  const get = db.prepare<[string, string], Row>(
    'SELECT * FROM device_commands WHERE tenant_id = ? AND id = ?',
  )
  const firstPage = db.prepare<[string, number], Row>(
    `SELECT * FROM device_commands WHERE device_id = ?
     ORDER BY requested_at DESC, id DESC LIMIT ?`,
  )
  const nextPage = db.prepare<[string, number, number, string, number], Row>(
    `SELECT * FROM device_commands WHERE device_id = ? AND (requested_at < ? OR (requested_at = ? AND id < ?))
     ORDER BY requested_at DESC, id DESC LIMIT ?`,
  )
  const forAlert = db.prepare<[string], Row>(
    'SELECT * FROM device_commands WHERE alert_id = ? ORDER BY requested_at, id',
  )

  return {
    insert(r) {
      insert.run({ ...r, args: JSON.stringify(r.args), alertId: r.alertId ?? null })
    },
    settle(tenantId, id, s) {
      const outcome = { result: s.result, error: s.error ?? null, ackAt: s.ackAt ?? null }
      return settle.run({ tenantId, id, ...outcome }).changes > 0
    },
    recordLateAck(id, deviceId, ack) {
      const result = ack.ok ? 'ok' : 'error'
      return late.run({ id, deviceId, result, error: ack.error ?? null, ackAt: ack.at }).changes > 0
    },
    interruptPending() {
      return interrupt.run().changes
    },
    get(tenantId, id) {
      const r = get.get(tenantId, id)
      return r && toAudit(r)
    },
    listForDevice(deviceId, page) {
      const rows = page.before
        ? nextPage.all(deviceId, page.before.at, page.before.at, page.before.id, page.limit)
        : firstPage.all(deviceId, page.limit)
      return rows.map(toAudit)
    },
    listForAlert(alertId) {
      return forAlert.all(alertId).map(toAudit)
    },
  }
}
