// The end-to-end tests' service processes (test/support/service-process.ts) leave nothing behind in the
// temp folder: once a test file is done, a process still running is killed and each DATA_DIR made for it
// is removed, also when the file stopped and started the process again on it. When one of the file's tests
// failed, the DATA_DIRs are kept and named, for a look at what the service left. A test file of its own
// (test/support/fixtures/service-dirs) run by vitest as `npm test` runs it.
import { execFile } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const FIXTURE = join(ROOT, 'test/support/fixtures/service-dirs')

/** Runs the fixture's vitest; what it printed, its exit code, the DATA_DIRs and the pid it names. */
function runFixture(env: Record<string, string>) {
  // the vitest of this file sets variables of its own that would tell the fixture's it is a worker
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')))
  return new Promise<{ code: number; out: string; dirs: string[]; pid: number }>((done) => {
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(FIXTURE, 'vitest.config.ts')],
      { cwd: ROOT, env: { ...base, FIXTURE_INFLUX_URL: inject('influxUrl'), ...env }, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`
        const m = /FIXTURE dirs=(\S+) pid=(\d+)/.exec(out)
        done({
          code: err ? Number(err.code ?? 1) : 0,
          out,
          dirs: m?.[1]?.split(',') ?? [],
          pid: Number(m?.[2]),
        })
      },
    )
  })
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("the end-to-end tests' data dirs", () => {
  const kept: string[] = []
  afterAll(() => {
    for (const dir of kept) rmSync(dir, { recursive: true, force: true })
  })

  it('are removed once the test file is done, its process still running killed', async () => {
    const r = await runFixture({})
    expect(r.code, r.out).toBe(0)
    expect(r.dirs, r.out).toHaveLength(2)
    expect(r.dirs.filter(existsSync), 'DATA_DIRs left behind').toEqual([])
    expect(alive(r.pid), `service pid ${r.pid} still running`).toBe(false)
  })

  it('are kept, and named, when one of its tests failed', async () => {
    const r = await runFixture({ FIXTURE_FAIL: '1' })
    kept.push(...r.dirs)
    expect(r.code, r.out).not.toBe(0)
    expect(r.dirs, r.out).toHaveLength(2)
    expect(r.dirs.filter(existsSync)).toEqual(r.dirs)
    expect(r.out).toContain(`a test failed; its service DATA_DIRs are kept: ${r.dirs.join(' ')}`)
    expect(alive(r.pid), `service pid ${r.pid} still running`).toBe(false)
  })
})
