// Every process the bench starts is registered here, so that all of them die with the bench: on normal
// exit, on Ctrl-C, on SIGTERM and on an uncaught error. Children forked with IPC also exit by themselves
// when the channel to us closes.
import { type ChildProcess, fork, type SpawnOptions, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { withNofile } from './fd-limit.ts'

const tracked = new Set<ChildProcess>()
const trackedPids = new Set<number>()

const exitHooks: (() => void)[] = []

/** Synchronous clean-up (e.g. removing the temp dir) to run after the children are killed, however we exit. */
export function atExit(fn: () => void): void {
  exitHooks.push(fn)
}

function killAllAndCleanUp(): void {
  killAll()
  for (const fn of exitHooks.splice(0)) {
    try {
      fn()
    } catch {
      // best effort: we are exiting
    }
  }
}

export function killAll(): void {
  for (const c of tracked) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const pid of trackedPids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

let installed = false
export function installExitHandlers(): void {
  if (installed) return
  installed = true
  process.on('exit', killAllAndCleanUp)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`)
      process.exit(130)
    })
}

/** A pid started by someone else on our behalf (influxd via startLocalInfluxd). */
export function trackPid(pid: number): void {
  trackedPids.add(pid)
}
export function untrackPid(pid: number): void {
  trackedPids.delete(pid)
}

function track(child: ChildProcess): ChildProcess {
  tracked.add(child)
  child.once('exit', () => tracked.delete(child))
  return child
}

/** Forks one of the bench's own TypeScript children (tsx as an ESM loader, no extra tsx process). */
export function forkBenchChild(
  file: string,
  execArgv: string[] = [],
  opts: { nofile?: number } = {},
): ChildProcess {
  const path = fileURLToPath(new URL(file, import.meta.url))
  const nodeArgs = ['--import', 'tsx', ...execArgv]
  // a child holding thousands of sockets: through sh, which raises its open-file limit and execs node
  // (bench/fd-limit.ts); the IPC channel's descriptor survives the exec
  const [execPath, args] =
    opts.nofile === undefined
      ? [process.execPath, nodeArgs]
      : withNofile(opts.nofile, process.execPath, nodeArgs)
  const child = fork(path, [], {
    execPath,
    execArgv: args,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  })
  // the inspector (memory runs) announces every attach on stderr; everything else is passed through
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (!INSPECTOR_NOISE.test(line)) process.stderr.write(`${line}\n`)
  })
  return track(child)
}
const INSPECTOR_NOISE = /^(Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs.org)/

export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions): ChildProcess {
  return track(spawn(cmd, args, opts))
}

/** Sends `msg` and resolves with the child's next reply of type `expect`; rejects on `error`, exit or timeout. */
export function request<R extends { type: string }>(
  child: ChildProcess,
  msg: object,
  expect: R['type'],
  timeoutMs: number,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === expect) {
        cleanup()
        resolve(m as R)
      } else if (m.type === 'error') {
        cleanup()
        reject(new Error(m.message))
      }
    }
    const onExit = (code: number | null, signal: string | null) => {
      cleanup()
      reject(new Error(`child exited (${signal ?? code}) while waiting for '${expect}'`))
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`no '${expect}' from child within ${timeoutMs} ms`))
    }, timeoutMs)
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.send(msg)
  })
}

export function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
    }, timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
