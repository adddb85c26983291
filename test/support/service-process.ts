// Runs the real service (`node scripts/start.mjs`, what `npm start` runs) as a child process for end-to-end
// tests: fixed free ports, a temp DATA_DIR, the test run's influxd; start, SIGKILL, restart. Once the test
// file is done, a process still running is killed and the temp DATA_DIRs are removed (kept, and named, when
// one of the file's tests failed).
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { RunnerTask } from 'vitest'
import { afterAll } from 'vitest'
import { freePorts } from '../../influx/index.ts'
import { openApiConformance } from './openapi-conformance.ts'
import { pollUntil } from './poll.ts'

export { pollUntil }

const ROOT = resolve(import.meta.dirname, '../..')

/**
 * This test file's service processes and the DATA_DIRs made for them. Vitest evaluates this module afresh
 * for each test file (`isolate`, on in every config), so the list is the file's own; a process stopped and
 * started again keeps its DATA_DIR until the file's last test is done.
 */
const made: { svc: ServiceProcess; tempDir?: string }[] = []

const failed = (t: RunnerTask): boolean =>
  t.result?.state === 'fail' || (t.type === 'suite' && t.tasks.some(failed))

// registered when a test file imports this module: on the file, after the file's own afterAll hooks
// biome-ignore lint/correctness/noEmptyPattern: vitest wants the context destructured; only the file is read
afterAll(async ({}, file) => {
  const dirs = made.flatMap((m) => (m.tempDir === undefined ? [] : [m.tempDir]))
  for (const { svc } of made.splice(0)) await svc.kill('SIGKILL')
  if (dirs.length === 0) return
  if (failed(file)) {
    process.stderr.write(
      `service-process: a test failed; its service DATA_DIRs are kept: ${dirs.join(' ')}\n`,
    )
    return
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

export interface ServiceProcess {
  env: Record<string, string>
  mqttUrl: string
  /** the MQTT TLS listener's address, where the test asked for one (`tls`) */
  mqttsUrl?: string
  httpUrl: string
  adminToken: string
  dataDir: string
  /** the last 20,000 characters the process printed, for failure messages */
  output(): string
  /** whether the process printed this, at any time (a busy run logs far more than output() keeps) */
  printed(text: string): boolean
  /** starts the process and waits for /readyz (or only /healthz, e.g. while InfluxDB is down) */
  start(opts?: { until?: 'ready' | 'live' }): Promise<void>
  kill(signal?: NodeJS.Signals): Promise<void>
  pid(): number | undefined
  /** the service's OpenAPI document as a checker of answers (openapi-conformance.ts), fetched once */
  openApi(): Promise<ReturnType<typeof openApiConformance>>
}

export async function createServiceProcess(opts: {
  influxUrl: string
  db?: string
  extraEnv?: Record<string, string>
  /** arguments of service/main.ts, e.g. ['--demo'] */
  args?: string[]
  /** an MQTT TLS listener too, with the certificate and key at these paths (README: MQTT_TLS_*) */
  tls?: { certPath: string; keyPath: string }
}): Promise<ServiceProcess> {
  // a DATA_DIR the test names is the test's to remove
  const tempDir = opts.extraEnv?.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'courtyard-e2e-'))
  const dataDir = opts.extraEnv?.DATA_DIR ?? tempDir!
  // every port the service binds taken in one call: ports taken one by one may come back the same
  const [mqttPort, httpPort, tlsPort] = (await freePorts(opts.tls ? 3 : 2)) as [number, number, number?]
  const adminToken = `cy_test_${randomBytes(18).toString('base64url')}`
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    HOST: '127.0.0.1',
    MQTT_PORT: String(mqttPort),
    HTTP_PORT: String(httpPort),
    DATA_DIR: dataDir,
    INFLUX_URL: opts.influxUrl,
    INFLUX_DB: opts.db ?? `e2e_${randomBytes(4).toString('hex')}`,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'info',
    // end-to-end tests read hundreds of alerts with one token; the per-token budget has its own tests
    API_RATE_PER_S: '100000',
    API_BURST: '1000000',
    ...opts.extraEnv,
    // last: `mqttsUrl` names this port
    ...(opts.tls
      ? { MQTT_TLS_PORT: String(tlsPort), MQTT_TLS_CERT: opts.tls.certPath, MQTT_TLS_KEY: opts.tls.keyPath }
      : {}),
  }
  let child: ChildProcess | undefined
  let out = ''
  const httpUrl = `http://127.0.0.1:${httpPort}`
  let conformance: Promise<ReturnType<typeof openApiConformance>> | undefined
  const svc: ServiceProcess = {
    env,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    ...(tlsPort === undefined ? {} : { mqttsUrl: `mqtts://127.0.0.1:${tlsPort}` }),
    httpUrl,
    adminToken,
    dataDir,
    output: () => out.slice(-20_000),
    printed: (text) => out.includes(text),
    pid: () => child?.pid,
    openApi() {
      conformance ??= fetch(`${httpUrl}/api/v1/openapi.json`)
        .then((res) => res.json())
        .then(openApiConformance)
      return conformance
    },
    async start(startOpts) {
      const probe = startOpts?.until === 'live' ? 'healthz' : 'readyz'
      // as `npm start` runs it: the compiled service in this one process (a SIGKILL reaches the service
      // itself); the test run's global set-up compiled it (scripts/service-build.mjs)
      const c = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs'), ...(opts.args ?? [])], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = c
      c.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
      })
      c.stderr?.on('data', (d: Buffer) => {
        out += d.toString()
      })
      // a process that exits during start-up fails the start at once (pollUntil would take an error for
      // one more failed probe and wait out its deadline), also while a probe hangs on a port that never answers
      let gone = false
      // 'close', not 'exit': the process's last lines (why it stopped) may still be in its pipes at 'exit'
      const exited = new Promise<void>((res) =>
        c.once('close', () => {
          gone = true
          res()
        }),
      )
      await Promise.race([
        pollUntil(
          async () => {
            if (gone) return true
            const res = await fetch(`${httpUrl}/${probe}`)
            return res.status === 200
          },
          { timeoutMs: 60_000, intervalMs: 150, what: `service /${probe}` },
        ).catch((err) => {
          throw new Error(`${String(err)}\n--- service output ---\n${out.slice(-4000)}`)
        }),
        exited,
      ])
      if (gone) throw new Error(`service exited during start-up:\n${out.slice(-4000)}`)
    },
    async kill(signal = 'SIGTERM') {
      const c = child
      if (!c || c.exitCode !== null || c.signalCode !== null) return
      await new Promise<void>((res) => {
        c.once('exit', () => res())
        c.kill(signal)
      })
    },
  }
  made.push({ svc, ...(tempDir === undefined ? {} : { tempDir }) })
  return svc
}

/**
 * Calls the service's HTTP API with the admin token; throws with the body on a non-2xx answer, and on an
 * answer that is not as the served OpenAPI document says.
 */
export async function api<T = unknown>(
  svc: ServiceProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${svc.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${svc.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`)
  const answer = text ? JSON.parse(text) : undefined
  const problems = (await svc.openApi())(method, path, res.status, answer, res.headers.get('content-type'))
  if (problems.length > 0) throw new Error(`not as the OpenAPI document says:\n${problems.join('\n')}`)
  return answer as T
}
