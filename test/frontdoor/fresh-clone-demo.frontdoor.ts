// The front door, as a newcomer meets it: a fresh clone with no node_modules, `npm run demo` alone. The
// setup installs the locked dependencies itself, the service, its private influxd and the simulated estate
// come up and store readings; then one Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
// ends every process it started, influxd included, within 2 s.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePorts } from '../../influx/local-influxd.ts'
import { influxQuery } from '../support/influx-query.ts'
import { pollUntil } from '../support/poll.ts'
import { alive, type ProcInfo, processTree } from '../support/process-tree.ts'

const ROOT = resolve(import.meta.dirname, '../..')
// npm ci from the warm cache compiles better-sqlite3: minutes on a busy machine
const INSTALL_TIMEOUT_MS = 8 * 60_000

/** What a fresh shell would have: no Courtyard settings, the npm cache and registry settings kept. */
function freshEnv(extra: Record<string, string>): Record<string, string> {
  const keep =
    /^(PATH|HOME|TMPDIR|LANG|LC_ALL|CI|https?_proxy|no_proxy|npm_config_(registry|cache|userconfig))$/i
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (keep.test(k) && v !== undefined) env[k] = v
  return { ...env, ...extra }
}

describe('npm run demo in a fresh clone', () => {
  const work = mkdtempSync(join(tmpdir(), 'courtyard-frontdoor-'))
  const clone = join(work, 'courtyard')
  const dataDir = join(work, 'data')
  let child: ChildProcess | undefined
  let tree: ProcInfo[] = []
  let out = ''

  afterAll(() => {
    // a failed run must not leave its service or influxd behind
    const left = child?.pid ? [...tree, ...processTree(child.pid)] : tree
    for (const p of left) if (alive(p.pid)) process.kill(p.pid, 'SIGKILL')
    rmSync(work, { recursive: true, force: true })
  })

  it(
    'installs what it needs, runs the estate, and one Ctrl-C ends every process within 2 s',
    async () => {
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone])
      expect(existsSync(join(clone, 'node_modules'))).toBe(false)
      const [httpPort, mqttPort] = (await freePorts(2)) as [number, number]
      // its own process group, as a terminal runs a command: the SIGINT below goes to all of it
      const c = spawn('npm', ['run', 'demo'], {
        cwd: clone,
        env: freshEnv({ DATA_DIR: dataDir, HTTP_PORT: String(httpPort), MQTT_PORT: String(mqttPort) }),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = c
      c.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
      })
      c.stderr?.on('data', (d: Buffer) => {
        out += d.toString()
      })
      const pgid = c.pid as number
      const exited = new Promise<void>((res) => c.once('exit', () => res()))
      let gone = false
      void exited.then(() => {
        gone = true
      })
      const failed = (what: string) => (err: unknown) => {
        throw new Error(`${what}: ${String(err)}\n--- demo output ---\n${out.slice(-6000)}`)
      }

      await pollUntil(
        async () => {
          if (gone) throw new Error('npm run demo exited')
          return (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200
        },
        { timeoutMs: INSTALL_TIMEOUT_MS, intervalMs: 500, what: '/readyz' },
      ).catch(failed('the demo did not become ready'))
      expect(out).toContain(
        'courtyard setup: installing the locked dependencies (npm ci: node_modules is missing)',
      )

      // a simulated reading stored in the private influxd, whose address the service logged
      const started = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string; url?: string })
        .find((l) => l.msg === 'local influxd started')
      expect(started?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      await pollUntil(
        async () =>
          (await influxQuery(started?.url ?? '', 'courtyard', 'SELECT * FROM "pile" LIMIT 1')).length > 0,
        { timeoutMs: 60_000, intervalMs: 250, what: 'a stored pile reading' },
      ).catch(failed('no reading stored'))
      expect(out).toContain(`console:  http://127.0.0.1:${httpPort}/`)
      expect(out).toMatch(/admin API token \(API and \/docs\): cy_\S+/)

      tree = processTree(pgid)
      const names = tree.map((p) => p.name)
      expect(names).toContain('influxd')
      expect(tree.map((p) => p.pid)).toContain(pgid) // npm itself
      expect(names.filter((n) => n === 'node').length).toBeGreaterThanOrEqual(2) // setup and the service

      process.kill(-pgid, 'SIGINT')
      const t0 = Date.now()
      await pollUntil(() => tree.every((p) => !alive(p.pid)), {
        timeoutMs: 30_000,
        intervalMs: 20,
        what: 'every process of the demo to end',
      }).catch(failed('processes left after Ctrl-C'))
      const elapsedMs = Date.now() - t0
      expect(
        elapsedMs,
        `ms from Ctrl-C until all of ${tree.map((p) => `${p.pid} ${p.name}`).join(', ')} had ended`,
      ).toBeLessThan(2000)
      await exited
      // it shut down through its own path, not by being killed
      expect(out).toContain('"msg":"stopped"')

      // the log lines are JSON (stdout is a pipe), none with a component key twice
      const lines = out.split('\n').filter((l) => l.startsWith('{'))
      expect(lines.length).toBeGreaterThan(10)
      for (const l of lines) expect(l.match(/"component":/g)?.length ?? 0, l).toBeLessThanOrEqual(1)
    },
    INSTALL_TIMEOUT_MS + 120_000,
  )
})
