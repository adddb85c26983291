// What a connected device costs on the V8 heap, by kind of object: two heap snapshots of the same process
// (before and after the devices connected, each after full GCs: process-memory.ts), their objects'
// self sizes summed per constructor (closures per function name, strings, arrays and the engine's own
// objects per type), and the difference divided by the devices.
//
//   node --import tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot <devices> [rows]
import { readFileSync } from 'node:fs'

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

export interface HeapGroup {
  key: string
  count: number
  bytes: number
}

/** Objects of one snapshot grouped by what they are: count and self size per group. */
export function groupHeap(snap: HeapSnapshot): Map<string, HeapGroup> {
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const groups = new Map<string, HeapGroup>()
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!
    const name = snap.strings[snap.nodes[i + nameAt]!]!
    // objects and native objects by constructor, closures by function; the rest (strings, arrays,
    // code, hidden) by type alone: their names are contents, not kinds
    const key =
      type === 'object' || type === 'native'
        ? name
        : type === 'closure'
          ? `closure ${name || '(anonymous)'}`
          : `(${type})`
    const g = groups.get(key) ?? { key, count: 0, bytes: 0 }
    g.count += 1
    g.bytes += snap.nodes[i + sizeAt]!
    groups.set(key, g)
  }
  return groups
}

/** after − before per group, largest growth first. */
export function diffHeap(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>): HeapGroup[] {
  const keys = new Set([...before.keys(), ...after.keys()])
  return [...keys]
    .map((key) => ({
      key,
      count: (after.get(key)?.count ?? 0) - (before.get(key)?.count ?? 0),
      bytes: (after.get(key)?.bytes ?? 0) - (before.get(key)?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytes - a.bytes)
}

const read = (path: string) => groupHeap(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot)

if (import.meta.url === `file://${process.argv[1]}`) {
  const [beforePath, afterPath, devicesArg, rowsArg] = process.argv.slice(2)
  if (!beforePath || !afterPath || !devicesArg) {
    console.error('usage: heap-diff.ts before.heapsnapshot after.heapsnapshot <devices> [rows]')
    process.exit(2)
  }
  const devices = Number(devicesArg)
  const rows = diffHeap(read(beforePath), read(afterPath))
  const total = rows.reduce((s, r) => s + r.bytes, 0)
  console.log(`${(total / devices).toFixed(0)} bytes per device in all (${devices} devices)`)
  console.log('bytes/device  objects/device  what')
  for (const r of rows.slice(0, Number(rowsArg ?? 30)))
    console.log(
      `${(r.bytes / devices).toFixed(1).padStart(12)}  ${(r.count / devices).toFixed(2).padStart(14)}  ${r.key}`,
    )
}
