// `npm run simulate` as a CI job runs it: the real command line in a child process, its output and its
// exit status. Each test file makes its own runner and kills what is still running after each test (a
// run that hangs must not outlive the test that timed out on it).
import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')

export interface SimulateProcess {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** the exit code (a signal's death counts as null) */
  exited: Promise<number | null>
}

export interface SimulateRunner {
  spawn(args: readonly string[], env?: Record<string, string>): SimulateProcess
  /** Runs the command line to its end. */
  run(
    args: readonly string[],
    env?: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>
  /** SIGKILLs every run still going */
  killAll(): void
}

export function createSimulateRunner(): SimulateRunner {
  const running = new Set<ChildProcess>()
  const start = (args: readonly string[], env: Record<string, string> = {}): SimulateProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    running.add(child)
    let out = ''
    let err = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString()
    })
    const exited = new Promise<number | null>((r) =>
      child.once('exit', (code) => {
        running.delete(child)
        r(code)
      }),
    )
    return { child, stdout: () => out, stderr: () => err, exited }
  }
  return {
    spawn: start,
    async run(args, env) {
      const p = start(args, env)
      const code = await p.exited
      return { code, stdout: p.stdout(), stderr: p.stderr() }
    },
    killAll() {
      for (const c of running) c.kill('SIGKILL')
    },
  }
}
