// Open-file limits for the bench's children. Every connected device is one socket (one descriptor) in
// the service and one in a load generator, so 100,000 devices need a limit far above the usual 1,024
// soft limit. Node cannot call setrlimit itself: children are started through `sh -c 'ulimit -n N;
// exec …'`, which raises the soft limit up to the hard one (raising the hard limit needs
// CAP_SYS_RESOURCE, which the bench does not assume) and keeps the pid (exec).
import { readFileSync } from 'node:fs'

/** The hard RLIMIT_NOFILE of this process (what `ulimit -Hn` prints); Infinity when unlimited. */
export function hardNofile(): number {
  const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
  if (!m || m[1] === 'unlimited') return Number.POSITIVE_INFINITY
  return Number(m[1])
}

/** The soft limit the children get: the hard one, capped at what the kernel allows one process. */
export function childNofile(): number {
  const nrOpen = Number(readFileSync('/proc/sys/fs/nr_open', 'utf8'))
  return Math.min(hardNofile(), nrOpen)
}

/** `cmd args` started so that its soft RLIMIT_NOFILE is `limit` (same pid: sh execs it). */
export function withNofile(limit: number, cmd: string, args: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'ulimit -n "$0" && exec "$@"', String(limit), cmd, ...args]]
}
