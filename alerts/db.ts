// The alerts database (DATA_DIR/alerts.db): the engine's alerts, history, rule state and spool position,
// plus tables other alert parts (notifier, commands) add through their own migrate…(db) functions.
// WAL lets the API read beside the engine's writes; busy_timeout waits out another connection's lock.
import Database from 'better-sqlite3'
import { CourtyardError } from '../domain/errors.ts'

/**
 * Writes through this connection to what the engine reads with a device's settings (alert_settings,
 * stray_wire_feedback), counted on the connection itself: SQLite's data_version counts other connections'
 * commits only, so a writer on the engine's own connection (one thread: the tests, the bench) is seen by
 * this count. Kept on the connection, not in a module table, so engines in one process share nothing.
 */
const settingsWrites: unique symbol = Symbol('courtyard.settingsWrites')

export type AlertsDb = Database.Database & { [settingsWrites]?: number }

export interface PartMigration {
  version: number
  description: string
  sql: string
}

export function openAlertsDb(path: string, opts: { busyTimeoutMs?: number } = {}): AlertsDb {
  const db = new Database(path)
  try {
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`)
    db.pragma('journal_mode = WAL')
    // WAL + NORMAL: durable against process crashes, and no fsync on the event loop per commit. A power
    // cut may lose the last transactions; the engine replays them from the spool (its position is in the
    // same transaction), which keeps them: it fsyncs the WAL before letting the spool drop anything.
    db.pragma('synchronous = NORMAL')
    db.exec(
      'CREATE TABLE IF NOT EXISTS part_migrations (part TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at INTEGER NOT NULL)',
    )
  } catch (err) {
    db.close()
    throw err
  }
  return db
}

/**
 * Applies `part`'s migrations above its stored version, each in the same IMMEDIATE transaction as its
 * version bump, so two connections opening one file never both migrate. Returns the part's version.
 */
export function migratePart(db: AlertsDb, part: string, migrations: readonly PartMigration[]): number {
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0)
  const run = db.transaction(() => {
    const row = db.prepare('SELECT version FROM part_migrations WHERE part = ?').get(part) as
      | { version: number }
      | undefined
    const current = row?.version ?? 0
    if (current > latest)
      throw new CourtyardError(
        'CONFIG_INVALID',
        `alerts.db: ${part} schema version ${current} is newer than this build knows (${latest}): upgrade Courtyard`,
      )
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue
      db.exec(m.sql)
    }
    if (latest > current)
      db.prepare(
        `INSERT INTO part_migrations (part, version, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (part) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
      ).run(part, latest, Date.now())
    return Math.max(current, latest)
  })
  return run.immediate()
}

/** Counts a write through `db` to alert_settings or stray_wire_feedback (see `settingsWrites`). */
export function noteSettingsWrite(db: AlertsDb): void {
  db[settingsWrites] = (db[settingsWrites] ?? 0) + 1
}
export function settingsWritesOf(db: AlertsDb): number {
  return db[settingsWrites] ?? 0
}
