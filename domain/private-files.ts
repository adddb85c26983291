// Data at rest is the operator's alone: every directory and file the service creates under DATA_DIR is
// private (0700 / 0600) whatever the umask, so device secrets' hashes, channel secrets, the spool's raw
// device payloads and the dead letters are not readable by other local users.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Creates the directory (and missing parents) private, or makes an existing one private. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE })
  // mkdir's mode is filtered by the umask and does not touch an existing directory
  chmodSync(path, PRIVATE_DIR_MODE)
}

/**
 * Creates an empty private file, or makes an existing one private. For a SQLite database: SQLite gives
 * its -wal and -shm files the database file's mode, so they follow once the database is private;
 * existing ones are made private here too.
 */
export function ensurePrivateFile(path: string, opts: { sqlite?: boolean } = {}): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE))
  chmodSync(path, PRIVATE_FILE_MODE)
  if (!opts.sqlite) return
  for (const side of [`${path}-wal`, `${path}-shm`, `${path}-journal`])
    if (existsSync(side)) chmodSync(side, PRIVATE_FILE_MODE)
}
