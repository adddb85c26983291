// CPU time of a process (all its threads) from /proc/<pid>/stat. On a machine whose cores are shared with
// other work, CPU per message is a steadier figure than messages per second.
import { readFileSync } from 'node:fs'

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux build
const TICKS_PER_S = 100

export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
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

/** Starts measuring the given processes; the returned function gives CPU used since then. */
export function startCpuMeter(probes: readonly CpuProbe[]): () => CpuUse[] {
  const start = probes.map((p) => readCpuMs(p.pid))
  return () => probes.map((p, i) => ({ name: p.name, cpuMs: readCpuMs(p.pid) - start[i]! }))
}
