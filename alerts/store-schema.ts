// The engine's tables in alerts.db (part `engine` in part_migrations). Append migrations; never edit one.
import type { PartMigration } from './db.ts'

export const ALERT_STORE_MIGRATIONS: readonly PartMigration[] = [
  {
    version: 1,
    description: 'alerts, transitions, rule state, held signals, settings overrides, engine position',
    sql: `
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        type TEXT NOT NULL,
        severity TEXT NOT NULL,
        state TEXT NOT NULL,
        device_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        port INTEGER,
        key TEXT NOT NULL,
        message TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        cleared_at INTEGER,
        cleared_by TEXT,
        last_value TEXT,
        count INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- one open alert per (device, port or key, type)
      CREATE UNIQUE INDEX alerts_open_key ON alerts (device_id, key, type) WHERE state != 'cleared';
      CREATE INDEX alerts_by_raised ON alerts (raised_at, id);
      CREATE INDEX alerts_by_device ON alerts (device_id, raised_at);
      CREATE INDEX alerts_by_site ON alerts (site_id, raised_at);
      CREATE INDEX alerts_by_state ON alerts (state) WHERE state != 'cleared';
      CREATE TABLE alert_transitions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id TEXT NOT NULL REFERENCES alerts(id),
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        by TEXT NOT NULL,
        note TEXT,
        severity TEXT,
        value TEXT,
        detail TEXT
      );
      CREATE INDEX alert_transitions_by_alert ON alert_transitions (alert_id, seq);
      CREATE TABLE alert_rule_state (device_id TEXT PRIMARY KEY, state TEXT NOT NULL);
      CREATE TABLE alert_held (
        device_id TEXT NOT NULL,
        key TEXT NOT NULL,
        type TEXT NOT NULL,
        signal TEXT NOT NULL,
        PRIMARY KEY (device_id, key, type)
      );
      CREATE TABLE alert_settings (
        scope TEXT NOT NULL,
        id TEXT NOT NULL,
        settings TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (scope, id)
      );
      CREATE TABLE alert_engine_position (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        segment INTEGER NOT NULL,
        offset INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'alerts.evidence: why a rule raised an alert (JSON)',
    sql: 'ALTER TABLE alerts ADD COLUMN evidence TEXT;',
  },
]
