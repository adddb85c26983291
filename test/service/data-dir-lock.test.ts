import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { lockDataDir } from '../../service/data-dir-lock.ts'

const root = mkdtempSync(join(tmpdir(), 'courtyard-lock-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let dirs = 0
const freshDir = () => mkdtempSync(join(root, `d${dirs++}-`))

/**
 * A process that takes the lock through the real function when it sees `go` appear (each one spins on it,
 * so that they all call lockDataDir within microseconds of each other), prints the outcome and holds what
 * it took until killed.
 */
const TAKER = `
import { existsSync } from 'node:fs'
import { lockDataDir } from ${JSON.stringify(resolve('service/data-dir-lock.ts'))}
const [dir, go] = process.argv.slice(-3, -1)
process.stdout.write('ready\\n')
while (!existsSync(go)) {}
const lock = lockDataDir(dir)
process.stdout.write(JSON.stringify({ ok: lock.ok }) + '\\n')
setInterval(() => {}, 60_000)
`

function startTaker(dir: string, go: string) {
  // service/main.ts on its command line, as a real service's is
  const args = ['--import', 'tsx', '--input-type=module', '-e', TAKER, dir, go, resolve('service/main.ts')]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const queue: string[] = []
  const waiters: ((l: string) => void)[] = []
  lines.on('line', (l) => {
    const w = waiters.shift()
    if (w) w(l)
    else queue.push(l)
  })
  const next = () =>
    new Promise<string>((resolveLine, reject) => {
      const l = queue.shift()
      if (l !== undefined) return resolveLine(l)
      waiters.push(resolveLine)
      child.once('exit', (code) => reject(new Error(`taker exited (${code}) before answering`)))
    })
  return { child, next }
}

type Taker = ReturnType<typeof startTaker>

async function killAll(procs: Taker[]): Promise<void> {
  await Promise.all(
    procs.map((p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return undefined
      const exited = new Promise((r) => p.child.once('exit', r))
      p.child.kill('SIGKILL')
      return exited
    }),
  )
}

/** Starts `takers` processes, lets them all go at once and gives each one's outcome; they hold on. */
async function race(dir: string, takers: number): Promise<{ procs: Taker[]; won: boolean[] }> {
  const go = join(dir, 'go')
  rmSync(go, { force: true })
  const procs = Array.from({ length: takers }, () => startTaker(dir, go))
  try {
    for (const p of procs) expect(await p.next()).toBe('ready')
    writeFileSync(go, '')
    const won = await Promise.all(procs.map(async (p) => (JSON.parse(await p.next()) as { ok: boolean }).ok))
    return { procs, won }
  } catch (err) {
    await killAll(procs)
    throw err
  }
}

describe('lockDataDir', () => {
  it('takes a free data dir, and a stale pid file (no such process) does not block it', () => {
    const dir = freshDir()
    writeFileSync(join(dir, 'courtyard.pid'), '999999999')
    const lock = lockDataDir(dir)
    expect(lock.ok).toBe(true)
    if (lock.ok) lock.release()
  })

  it('refuses a second taker in the same process while the first holds it, and lets one in after release', () => {
    const dir = freshDir()
    const first = lockDataDir(dir)
    expect(first.ok).toBe(true)
    expect(lockDataDir(dir)).toEqual({ ok: false, pid: process.pid })
    if (first.ok) first.release()
    const again = lockDataDir(dir)
    expect(again.ok).toBe(true)
    if (again.ok) again.release()
  })

  it('still holds it against other processes after a second attempt in the holding process', async () => {
    // closing any descriptor of the lock file drops the process's fcntl locks on it
    const dir = freshDir()
    const first = lockDataDir(dir)
    expect(first.ok).toBe(true)
    try {
      expect(lockDataDir(dir).ok).toBe(false)
      const other = await race(dir, 1)
      await killAll(other.procs)
      expect(other.won).toEqual([false])
    } finally {
      if (first.ok) first.release()
    }
  })

  it('lets exactly one of several services started at the same moment take it, round after round', async () => {
    // the old check-then-write let two of four in about one round in five on this machine
    for (let round = 0; round < 10; round++) {
      const { procs, won } = await race(freshDir(), 4)
      await killAll(procs)
      expect(won.filter(Boolean), `round ${round}: ${JSON.stringify(won)}`).toHaveLength(1)
    }
  }, 180_000)

  it('refuses while its holder lives, naming it, and is taken by exactly one racer once the holder was SIGKILLed', async () => {
    const dir = freshDir()
    const first = await race(dir, 1)
    try {
      expect(first.won).toEqual([true])
      expect(lockDataDir(dir)).toEqual({ ok: false, pid: first.procs[0]!.child.pid })
    } finally {
      // killed with the lock held: what a crashed service leaves behind (and its pid file)
      await killAll(first.procs)
    }
    const { procs, won } = await race(dir, 4)
    await killAll(procs)
    expect(won.filter(Boolean), JSON.stringify(won)).toHaveLength(1)
  }, 60_000)
})
