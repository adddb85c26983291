// Ordered schema migrations. `schema_version` holds the number of steps applied; each step runs in the
// same IMMEDIATE transaction as its version bump, so two processes opening one file never both migrate.
import type Database from 'better-sqlite3'
import type { Logger } from 'pino'
import { CourtyardError } from '../domain/errors.ts'

export interface Migration {
  version: number
  description: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tenants, communities, sites, devices, api tokens, service accounts',
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE communities (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (tenant_id, name)
      );
      CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        community_id TEXT NOT NULL REFERENCES communities(id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        lat REAL,
        lon REAL,
        address TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        site_id TEXT NOT NULL REFERENCES sites(id),
        name TEXT,
        report_interval_s INTEGER NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        decommissioned_at INTEGER
      );
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        tenant_id TEXT REFERENCES tenants(id),
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE service_accounts (
        name TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'indexes for tenant-scoped listing; token revocation and secret rotation times',
    sql: `
      CREATE INDEX sites_by_tenant ON sites (tenant_id, id);
      CREATE INDEX devices_by_site ON devices (site_id, id);
      ALTER TABLE api_tokens ADD COLUMN revoked_at INTEGER;
      ALTER TABLE devices ADD COLUMN secret_rotated_at INTEGER;
      ALTER TABLE service_accounts ADD COLUMN rotated_at INTEGER;
    `,
  },
  {
    version: 3,
    description: 'people (users with roles) and their sessions; API token expiry',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        tenant_id TEXT REFERENCES tenants(id),
        username TEXT NOT NULL UNIQUE,
        display_name TEXT,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        password_changed_at INTEGER
      );
      CREATE INDEX users_by_tenant ON users (tenant_id, id);
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
    `,
  },
]

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined
  return row?.version ?? 0
}

/** Applies every migration above the file's version, up to `target` (default: all). Returns the new version. */
export function migrate(db: Database.Database, log: Logger, target = LATEST_VERSION): number {
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
    if (!db.prepare('SELECT 1 FROM schema_version').get())
      db.prepare('INSERT INTO schema_version (version) VALUES (0)').run()
    const current = schemaVersion(db)
    if (current > LATEST_VERSION)
      throw new CourtyardError(
        'CONFIG_INVALID',
        `registry schema version ${current} is newer than this build knows (${LATEST_VERSION}): upgrade Courtyard`,
      )
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue
      db.exec(m.sql)
      db.prepare('UPDATE schema_version SET version = ?').run(m.version)
      log.info({ version: m.version, description: m.description }, 'registry migrated')
    }
    return schemaVersion(db)
  })
  return run.immediate()
}
