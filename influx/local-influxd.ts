// Starts a private `influxd` (InfluxDB 1.x, Debian's `influxdb` package) with its config and data under
// one directory, on free loopback ports. Used by `npm start` when INFLUX_URL is unset, and by the tests.
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join } from 'node:path'
import { CourtyardError } from '../domain/errors.ts'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../domain/private-files.ts'

export interface LocalInfluxd {
  url: string
  pid: number
  /** it answered /ping before the call returned (false only with `slowStartOk`: still loading) */
  answered: boolean
  stop(): Promise<void>
  /** SIGTERM without waiting, for an `exit` handler: influxd then shuts down on its own */
  kill(): void
}

export const INSTALL_HINT =
  'InfluxDB 1.x (influxd) not found: install it with `apt-get install influxdb` on Debian/Ubuntu, set INFLUXD_BIN to its path, or point INFLUX_URL at an existing server'

export function findInfluxd(env: { INFLUXD_BIN?: string; PATH?: string }): string | undefined {
  if (env.INFLUXD_BIN) return existsSync(env.INFLUXD_BIN) ? env.INFLUXD_BIN : undefined
  for (const dir of (env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin', '/usr/sbin'])) {
    const candidate = join(dir, 'influxd')
    if (dir && existsSync(candidate)) return candidate
  }
  return undefined
}

/** A free port on `host` (bound and closed again: see freePorts for several at once). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host)
  return port!
}

/**
 * `count` distinct free ports: each is held until all are bound, so two asked for together never come back
 * the same (the kernel may hand a port just closed out again, and a service given one port twice stops).
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer())
  try {
    return await Promise.all(
      servers.map(
        (srv) =>
          new Promise<number>((resolve, reject) => {
            srv.unref()
            srv.on('error', reject)
            srv.listen(0, host, () => {
              const addr = srv.address()
              resolve(typeof addr === 'object' && addr ? addr.port : 0)
            })
          }),
      ),
    )
  } finally {
    await Promise.all(
      servers.map((srv) => new Promise<void>((done) => (srv.listening ? srv.close(() => done()) : done()))),
    )
  }
}

function configText(dir: string, httpPort: number, rpcPort: number, host: string, auth: boolean): string {
  return `reporting-disabled = true
bind-address = "${host}:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "1m0s"
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  log-enabled = false
[http]
  enabled = true
  bind-address = "${host}:${httpPort}"
  auth-enabled = ${auth}
  log-enabled = false
  pprof-enabled = false
  max-body-size = 0
[logging]
  level = "warn"
  suppress-logo = true
`
}

/**
 * Resolves 'ready' once influxd answers /ping, 'loading' when `timeoutMs` passed with it still loading,
 * or the exit code it ended with before it answered.
 */
async function waitForPing(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<'ready' | 'loading' | number> {
  const deadline = Date.now() + timeoutMs
  let exited: number | null = null
  child.once('exit', (code) => {
    exited = code ?? -1
  })
  while (Date.now() < deadline) {
    if (exited !== null) return exited
    try {
      // bounded: whatever else may hold the port (see START_ATTEMPTS) need not answer at all
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) })
      if (res.status === 204) return 'ready'
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return 'loading'
}

/** The end of influxd's own log: why it stopped, in its words (a port taken, a directory unwritable). */
function logTail(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n')
    return lines.slice(-3).join(' | ').slice(-600)
  } catch {
    return ''
  }
}

/**
 * influxd binds the ports it was given a moment after they were found free: another process may take
 * one in between (tests starting servers side by side). Such a start is tried again on fresh ports.
 */
const START_ATTEMPTS = 3
const PING_TIMEOUT_MS = 1000
const PORT_TAKEN = /address already in use/

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Starts influxd under `dir`. A pid file guards against a second influxd on the same data (left behind
 * when the service was SIGKILLed): that one is stopped first.
 */
export async function startLocalInfluxd(opts: {
  dir: string
  bin: string
  host?: string
  timeoutMs?: number
  /**
   * Return when `timeoutMs` has passed with influxd still running but not answering yet (it opens its
   * HTTP port only once its data is loaded: a large database takes longer than any fixed bound), instead
   * of killing it and failing. The service's influx part waits for it; devices need not.
   */
  slowStartOk?: boolean
  /** 'inherit': influxd's output on this process's terminal; default: into `dir`/influxd.log */
  stdio?: 'ignore' | 'inherit'
  /** a fixed HTTP port (e.g. to restart a stopped server where its clients expect it); default: a free one */
  httpPort?: number
  /** require credentials (InfluxDB lets the first admin user be created without them) */
  auth?: boolean
  /** how free ports are found (default: the kernel's pick on `host`); tests take one away to see a retry */
  pickPort?: (host: string) => Promise<number>
  /**
   * Its own process group (default: the caller's). Then a terminal's Ctrl-C, sent to the whole foreground
   * group, does not reach it, and the caller can stop it after everything that still writes to it.
   */
  ownProcessGroup?: boolean
}): Promise<LocalInfluxd> {
  const host = opts.host ?? '127.0.0.1'
  // influxd creates its files under its own umask: the private directory is what keeps them private
  ensurePrivateDir(opts.dir)
  const pidFile = join(opts.dir, 'influxd.pid')
  if (existsSync(pidFile)) {
    const old = Number(readFileSync(pidFile, 'utf8'))
    if (old > 0 && pidAlive(old)) {
      process.kill(old, 'SIGTERM')
      const until = Date.now() + 10_000
      while (pidAlive(old) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      if (pidAlive(old)) process.kill(old, 'SIGKILL')
    }
    rmSync(pidFile, { force: true })
  }
  const pickPort = opts.pickPort ?? freePort
  const timeoutMs = opts.timeoutMs ?? 30_000
  // influxd's own log (warnings and why it stopped), when its output is not shown on a terminal
  const logPath = join(opts.dir, 'influxd.log')
  let child: ChildProcess
  let url: string
  let answered: boolean
  for (let attempt = 1; ; attempt++) {
    const httpPort = opts.httpPort ?? (await pickPort(host))
    const rpcPort = await pickPort(host)
    const confPath = join(opts.dir, 'influxd.conf')
    writeFileSync(confPath, configText(opts.dir, httpPort, rpcPort, host, opts.auth ?? false), {
      mode: PRIVATE_FILE_MODE,
    })
    const logFd = opts.stdio === 'inherit' ? undefined : openSync(logPath, 'w', PRIVATE_FILE_MODE)
    // the child inherits the umask at fork: its own files (meta, data, wal) are then private too. Set and
    // restored around the synchronous spawn only, so nothing else in this process sees it.
    const umask = process.umask(0o077)
    try {
      child = spawn(opts.bin, ['-config', confPath], {
        stdio: logFd === undefined ? 'inherit' : ['ignore', 'ignore', logFd],
        detached: opts.ownProcessGroup ?? false,
      })
    } finally {
      process.umask(umask)
      if (logFd !== undefined) closeSync(logFd)
    }
    if (!child.pid) throw new CourtyardError('INFLUX_UNAVAILABLE', `could not start ${opts.bin}`)
    writeFileSync(pidFile, String(child.pid), { mode: PRIVATE_FILE_MODE })
    url = `http://${host}:${httpPort}`
    const outcome = await waitForPing(url, child, timeoutMs)
    if (typeof outcome === 'number') {
      rmSync(pidFile, { force: true })
      // with its output on a terminal, it said why there; the log file would be an earlier start's
      const why = logFd === undefined ? '' : logTail(logPath)
      if (attempt < START_ATTEMPTS && PORT_TAKEN.test(why)) continue
      throw new CourtyardError(
        'INFLUX_UNAVAILABLE',
        `influxd exited with code ${outcome} before it was ready${why ? `: ${why}` : ''}`,
      )
    }
    answered = outcome === 'ready'
    break
  }
  if (!answered && !opts.slowStartOk) {
    child.kill('SIGKILL')
    throw new CourtyardError('INFLUX_UNAVAILABLE', `influxd did not answer /ping within ${timeoutMs} ms`)
  }
  const pid = child.pid
  const running = () => child.exitCode === null && child.signalCode === null
  return {
    url,
    pid,
    answered,
    kill: () => {
      if (running()) child.kill('SIGTERM')
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (!running()) {
          rmSync(pidFile, { force: true })
          return resolve()
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        child.once('exit', () => {
          clearTimeout(timer)
          rmSync(pidFile, { force: true })
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}
