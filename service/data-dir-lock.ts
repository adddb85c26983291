// One service per DATA_DIR: two would append to the same spool and fight over the same checkpoints.
// A pid file, checked against /proc so a pid left by a SIGKILLed run (and maybe reused) does not block.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const LOCK_FILE = 'courtyard.pid'

function isCourtyard(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('service/main.ts')
  } catch {
    // no /proc: trust the live pid
    return true
  }
}

/** Takes the lock or returns the pid that holds it. */
export function lockDataDir(dataDir: string): { ok: true; release(): void } | { ok: false; pid: number } {
  const path = join(dataDir, LOCK_FILE)
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8'))
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isCourtyard(pid)) return { ok: false, pid }
  }
  writeFileSync(path, String(process.pid), { mode: 0o600 })
  return { ok: true, release: () => rmSync(path, { force: true }) }
}
