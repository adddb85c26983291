// The registry: SQLite (WAL) under DATA_DIR. Safe to open from several threads or processes at once:
// WAL lets readers run beside one writer, busy_timeout waits out a concurrent writer's lock.
import Database from 'better-sqlite3'
import type { Logger } from 'pino'
import { createDeviceStore } from './device-store.ts'
import { migrate } from './migrations.ts'
import type { Registry } from './model.ts'
import { DEFAULT_SCRYPT, PASSWORD_SCRYPT, type ScryptParams } from './secrets.ts'
import { createTenancyStore } from './tenancy-store.ts'
import { createTokenStore } from './token-store.ts'
import { createUserStore } from './user-store.ts'

export interface RegistryOptions {
  /** the SQLite file, e.g. `${DATA_DIR}/registry.sqlite` */
  path: string
  log: Logger
  now?: () => number
  scrypt?: ScryptParams
  /** scrypt cost of people's passwords (default PASSWORD_SCRYPT) */
  passwordScrypt?: ScryptParams
  /** ms to wait for another connection's write lock */
  busyTimeoutMs?: number
}

export function openRegistry(opts: RegistryOptions): Registry {
  const log = opts.log.child({ component: 'registry' })
  const now = opts.now ?? Date.now
  const scrypt = opts.scrypt ?? DEFAULT_SCRYPT
  const db = new Database(opts.path)
  try {
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`)
    db.pragma('journal_mode = WAL')
    // WAL + NORMAL: durable against process crashes; a power cut may lose the last transaction
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    migrate(db, log)
  } catch (err) {
    db.close()
    throw err
  }
  const dataVersion = db.prepare('PRAGMA data_version').pluck()
  const ownChanges = db.prepare('SELECT total_changes()').pluck()
  return {
    changeStamp: () => `${dataVersion.get()}:${ownChanges.get()}`,
    ...createTenancyStore(db, now),
    ...createDeviceStore(db, now, scrypt),
    ...createTokenStore(db, now, scrypt),
    ...createUserStore(db, now, opts.passwordScrypt ?? PASSWORD_SCRYPT),
    close() {
      if (db.open) db.close()
    },
  }
}
