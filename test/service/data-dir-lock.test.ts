import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { lockDataDir } from '../../service/data-dir-lock.ts'

const dir = mkdtempSync(join(tmpdir(), 'courtyard-lock-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('lockDataDir', () => {
  it('takes a free data dir, and a stale pid file (no such process) does not block it', () => {
    writeFileSync(join(dir, 'courtyard.pid'), '999999999')
    const lock = lockDataDir(dir)
    expect(lock.ok).toBe(true)
    if (lock.ok) lock.release()
  })

  it('refuses a data dir held by a running Courtyard service', async () => {
    // a process whose command line names service/main.ts, as `npm start` does
    const holder = spawn(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 60000)', resolve('service/main.ts')],
      {
        stdio: 'ignore',
      },
    )
    try {
      writeFileSync(join(dir, 'courtyard.pid'), String(holder.pid))
      const lock = lockDataDir(dir)
      expect(lock).toEqual({ ok: false, pid: holder.pid })
    } finally {
      holder.kill('SIGKILL')
    }
  })
})
