// One service per DATA_DIR: two would append to the same spool and fight over the same checkpoints.
//
// The lock is the kernel's, not a file's presence: an open EXCLUSIVE transaction on DATA_DIR/courtyard.lock
// (SQLite takes it with fcntl(2) record locks). The kernel lets one process have it, so two services
// started at the same moment cannot both win, as they could when a pid file was read, checked against
// /proc and then written; and it lets go when the holder dies, SIGKILL included, so nothing stale is left
// to judge (a pid reused by another process, or by this one after a container restart). A takeover of a
// stale pid file by rename or link(2) would need that judgement and still race a second taker doing the same.
// courtyard.pid is written once the lock is held, only to name the holder in the refusal.
import { chmodSync, closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { PRIVATE_FILE_MODE } from '../domain/private-files.ts'

const LOCK_FILE = 'courtyard.lock'
const PID_FILE = 'courtyard.pid'

export type DataDirLock = { ok: true; release(): void } | { ok: false; pid?: number }

/** Takes the lock or says who holds it (`pid` when the holder has written it yet). */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = join(dataDir, LOCK_FILE)
  // created, never opened again by this process: closing any descriptor of the file drops every fcntl
  // lock the process holds on it, so a second attempt from a process that holds the lock must not open it
  try {
    closeSync(openSync(lockPath, 'wx', PRIVATE_FILE_MODE))
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err
  }
  chmodSync(lockPath, PRIVATE_FILE_MODE)
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of after better-sqlite3's 5 s default
  const db = new Database(lockPath, { timeout: 0 })
  try {
    // held until the connection closes (release, or the process ends): nothing is ever written
    db.exec('BEGIN EXCLUSIVE')
  } catch (err) {
    db.close()
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
    return { ok: false, pid: holderPid(dataDir) }
  }
  const pidPath = join(dataDir, PID_FILE)
  try {
    // whole or not at all: a refused service reads it
    writeFileSync(`${pidPath}.tmp`, String(process.pid), { mode: 0o600 })
    renameSync(`${pidPath}.tmp`, pidPath)
  } catch (err) {
    db.close()
    throw err
  }
  return {
    ok: true,
    release() {
      // the pid file first, while nobody else can take the lock and write theirs
      rmSync(pidPath, { force: true })
      db.close()
    },
  }
}

function holderPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, PID_FILE), 'utf8'))
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    // not written yet (the holder is between its lock and its pid file), or removed by its release
    return undefined
  }
}
