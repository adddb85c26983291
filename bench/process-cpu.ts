// CPU time of a process (all its threads) from /proc/<pid>/stat. On a machine whose cores are shared with
// other work, CPU per message is a steadier figure than messages per second.
import { readdirSync, readFileSync } from 'node:fs'

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux build
const TICKS_PER_S = 100

export function readCpuMs(pid: number): number {
  return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

function statCpuMs(stat: string): number {
  // the command name (field 2) may contain spaces; fields after the closing paren are space-separated
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the whole line, i.e. 12 and 13 after the name
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1000) / TICKS_PER_S
}

export interface CpuProbe {
  name: string
  pid: number
}

export interface CpuUse {
  name: string
  cpuMs: number
}

/**
 * CPU time per thread of a process (/proc/<pid>/task/<tid>/stat), by thread id. Threads that ended since
 * are missing, so a split is only as complete as the threads still alive when it is read.
 */
export function readThreadsCpuMs(pid: number): Map<number, number> {
  const out = new Map<number, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), statCpuMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')))
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out
}

export interface ThreadSplit {
  /** the main thread (tid = pid): for the service, the broker, the spool writer, ingest and the API */
  mainMs: number
  /** the busiest other thread: for the service with alerts on, the alert engine's worker */
  busiestOtherMs: number
  /** every other thread: libuv's pool (fdatasync, file reads), V8's GC helpers, the module loader */
  restMs: number
  /** the other threads one by one, busiest first (after `busiestOtherMs`) */
  restEachMs: number[]
}

/** Starts measuring one process's threads; the returned function gives the split of CPU used since then. */
export function startThreadMeter(pid: number): () => ThreadSplit {
  const start = readThreadsCpuMs(pid)
  return () => {
    const others: number[] = []
    let mainMs = 0
    for (const [tid, ms] of readThreadsCpuMs(pid)) {
      const used = ms - (start.get(tid) ?? 0)
      if (tid === pid) mainMs = used
      else others.push(used)
    }
    others.sort((a, b) => b - a)
    const busiestOtherMs = others[0] ?? 0
    const rest = others.slice(1).filter((ms) => ms > 0)
    return { mainMs, busiestOtherMs, restMs: rest.reduce((a, b) => a + b, 0), restEachMs: rest }
  }
}

/** Starts measuring the given processes; the returned function gives CPU used since then. */
export function startCpuMeter(probes: readonly CpuProbe[]): () => CpuUse[] {
  const start = probes.map((p) => readCpuMs(p.pid))
  return () => probes.map((p, i) => ({ name: p.name, cpuMs: readCpuMs(p.pid) - start[i]! }))
}

/** CPU time the whole machine spent busy (every core, all but idle and iowait), from /proc/stat. */
export function readMachineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
  // cpu user nice system idle iowait irq softirq steal …
  const ticks = line.trim().split(/\s+/).slice(1).map(Number)
  const busy = ticks.reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0)
  return (busy * 1000) / TICKS_PER_S
}

/** CPU time of each thread of a process, busiest first: the main thread is `main`, the others by thread id. */
export function readThreadsByCpu(pid: number): [string, number][] {
  return [...readThreadsCpuMs(pid)]
    .map(([tid, ms]): [string, number] => [tid === pid ? 'main' : `#${tid - pid}`, ms])
    .sort((a, b) => b[1] - a[1])
}

/**
 * The kernel's TCP counters (/proc/net/netstat, TcpExt) of this network namespace, e.g. ListenOverflows:
 * connections dropped because a listener's accept queue was full (the client's SYN is then retried after
 * 1 s, 3 s, 7 s …).
 */
export function readTcpCounters(): Record<string, number> {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n')
  const at = lines.findIndex((l) => l.startsWith('TcpExt:'))
  const names = lines[at]?.split(/\s+/) ?? []
  const values = lines[at + 1]?.split(/\s+/) ?? []
  return Object.fromEntries(names.slice(1).map((n, i) => [n, Number(values[i + 1])]))
}
