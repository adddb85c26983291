// The processes a test started, read from /proc (Linux): a process group and every descendant of it,
// including children that moved to a process group of their own (the private influxd).
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcInfo {
  pid: number
  ppid: number
  pgrp: number
  /** the kernel's state letter: Z is a zombie (exited, not yet reaped) */
  state: string
  name: string
}

export function readProcs(): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // exited while we looked
    }
    // "pid (name) state ppid pgrp …": the name may hold spaces and parentheses
    const close = stat.lastIndexOf(')')
    const [state, ppid, pgrp] = stat.slice(close + 2).split(' ')
    out.set(Number(entry), {
      pid: Number(entry),
      ppid: Number(ppid),
      pgrp: Number(pgrp),
      state: state ?? '?',
      name: stat.slice(stat.indexOf('(') + 1, close),
    })
  }
  return out
}

/** The members of process group `pgid` and all their descendants, whatever group those are in. */
export function processTree(pgid: number): ProcInfo[] {
  const procs = readProcs()
  const tree = new Map([...procs].filter(([, p]) => p.pgrp === pgid))
  for (let grew = true; grew; ) {
    grew = false
    for (const [pid, p] of procs)
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.set(pid, p)
        grew = true
      }
  }
  return [...tree.values()]
}

/** Whether `pid` still runs (a zombie has exited: only its exit status is left). */
export function alive(pid: number): boolean {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return false
  }
  return stat[stat.lastIndexOf(')') + 2] !== 'Z'
}
