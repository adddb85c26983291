// The notifier's tables in alerts.db: configuration (channels, routes, silences), per-alert tracking for
// repeats and escalation, the group buffer, the durable outbox, a log of suppressed notifications and
// the notifier's position in the alerts' history.
import { type AlertsDb, migratePart, type PartMigration } from '../alerts/index.ts'

const MIGRATIONS: readonly PartMigration[] = [
  {
    version: 1,
    description: 'channels, routes, silences, tracking, pending groups, outbox, suppression log',
    sql: `
      CREATE TABLE notify_channels (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        config TEXT NOT NULL,
        secret TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX notify_channels_tenant ON notify_channels (tenant_id, id);

      CREATE TABLE notify_routes (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX notify_routes_tenant ON notify_routes (tenant_id, id);

      CREATE TABLE notify_silences (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        matchers TEXT NOT NULL,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        comment TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX notify_silences_tenant ON notify_silences (tenant_id, ends_at);

      -- one row per (alert, route) that matched: drives repeats and escalation while unacknowledged
      CREATE TABLE notify_tracking (
        alert_id TEXT NOT NULL,
        route_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        alert TEXT NOT NULL,
        state TEXT NOT NULL,
        notified INTEGER NOT NULL DEFAULT 0,
        next_repeat_at INTEGER,
        escalate_at INTEGER,
        escalated_at INTEGER,
        PRIMARY KEY (alert_id, route_id)
      );
      CREATE INDEX notify_tracking_due ON notify_tracking (state, next_repeat_at);

      -- items waiting for their (channel, site) group to flush
      CREATE TABLE notify_pending (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        channel_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        item TEXT NOT NULL,
        due_at INTEGER NOT NULL
      );
      CREATE INDEX notify_pending_group ON notify_pending (channel_id, site_id, due_at);

      CREATE TABLE notify_outbox (
        id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        channel_type TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        items TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        delivered_at INTEGER,
        last_error TEXT
      );
      CREATE INDEX notify_outbox_due ON notify_outbox (state, next_attempt_at);

      CREATE TABLE notify_outbox_alerts (
        outbox_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (outbox_id, alert_id, reason)
      );
      CREATE INDEX notify_outbox_alerts_alert ON notify_outbox_alerts (alert_id);

      CREATE TABLE notify_suppressed (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        route_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        cause TEXT NOT NULL,
        silence_id TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX notify_suppressed_alert ON notify_suppressed (alert_id);
    `,
  },
  {
    version: 2,
    description: 'notify_cursor: the last alert transition (seq) the notifier has planned',
    sql: `
      CREATE TABLE notify_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: "notify_outbox_head: each channel's oldest pending entry, found without a scan",
    sql: `
      CREATE INDEX notify_outbox_head ON notify_outbox (state, channel_id, created_at);
    `,
  },
  {
    version: 4,
    description:
      'notify_outbox.first_failed_at: a page failing for long no longer holds back the later ones of its channel',
    // entries already failing count from their last attempt: they hold their channel at most holdMs longer
    sql: `
      ALTER TABLE notify_outbox ADD COLUMN first_failed_at INTEGER;
      UPDATE notify_outbox SET first_failed_at = last_attempt_at
        WHERE state = 'pending' AND attempts > 0 AND last_attempt_at IS NOT NULL;
    `,
  },
  {
    version: 5,
    description:
      'notify_outbox_alerts.dropped_*: an alert taken off a queued page (acknowledged or silenced by the time it was due)',
    sql: `
      ALTER TABLE notify_outbox_alerts ADD COLUMN dropped_at INTEGER;
      ALTER TABLE notify_outbox_alerts ADD COLUMN dropped_cause TEXT;
      ALTER TABLE notify_outbox_alerts ADD COLUMN dropped_by TEXT;
      ALTER TABLE notify_outbox_alerts ADD COLUMN dropped_silence_id TEXT;
    `,
  },
  {
    version: 6,
    description:
      'notify_outbox.refused_alone_at: a page the receiver refused while accepting a later one says nothing about it being down',
    sql: `
      ALTER TABLE notify_outbox ADD COLUMN refused_alone_at INTEGER;
    `,
  },
  {
    version: 7,
    description:
      'notify_heard: the channels that delivered a page about an alert, so its clear goes only where the crew was paged',
    // Known from the outbox: pages delivered with the alert still on them, clears aside. An alert still
    // followed whose first page is no longer on record (pruned after the retention) was paged as far as
    // anyone can tell: its route's channels count as paged, so a clear that went before this version
    // still goes after it.
    sql: `
      CREATE TABLE notify_heard (
        alert_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (alert_id, channel_id)
      );
      INSERT OR IGNORE INTO notify_heard (alert_id, channel_id, at)
        SELECT oa.alert_id, o.channel_id, MAX(COALESCE(o.delivered_at, o.created_at))
        FROM notify_outbox_alerts oa JOIN notify_outbox o ON o.id = oa.outbox_id
        WHERE o.state = 'delivered' AND oa.dropped_at IS NULL AND oa.reason != 'cleared'
        GROUP BY oa.alert_id, o.channel_id;
      INSERT OR IGNORE INTO notify_heard (alert_id, channel_id, at)
        SELECT t.alert_id, c.value, unixepoch() * 1000
        FROM notify_tracking t JOIN notify_routes r ON r.id = t.route_id,
          json_each(r.body, '$.channelIds') c
        WHERE t.notified = 1 AND NOT EXISTS (
          SELECT 1 FROM notify_outbox_alerts oa
          WHERE oa.alert_id = t.alert_id AND oa.reason IN ('raised', 'severity_changed'))
        UNION ALL
        SELECT t.alert_id, c.value, unixepoch() * 1000
        FROM notify_tracking t JOIN notify_routes r ON r.id = t.route_id,
          json_each(r.body, '$.escalateTo') c
        WHERE t.notified = 1 AND t.escalated_at IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM notify_outbox_alerts oa
          WHERE oa.alert_id = t.alert_id AND oa.reason IN ('raised', 'severity_changed'));
    `,
  },
]

export function migrateNotifyTables(db: AlertsDb): number {
  return migratePart(db, 'notify', MIGRATIONS)
}
