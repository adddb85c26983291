// Standalone, cheaper than phase `city`: the memory part of issue 12 §1 alone. The service (as `npm
// start` runs it, plus BENCH_SERVICE_NODE_ARGS) with N devices provisioned through the registry; RSS and
// V8 heap after full GCs before and after the fleet connects (each device with its Will and retained
// `online`), then once more after the fleet idled `--idle-s` (V8 gives back young-generation space it
// stopped needing only after a while); no reporting phase, no bare side.
//
//   node --import tsx bench/city-memory.ts [--devices 4000] [--idle-s 20] [--snapshots DIR]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { findInfluxd, INSTALL_HINT, startLocalInfluxd } from '../influx/index.ts'
import { atExit, installExitHandlers, trackPid } from './children.ts'
import { childNofile } from './fd-limit.ts'
import { startFleet } from './fleet.ts'
import { createDatabase } from './influx-query.ts'
import { type HeapSample, sampleAfterGc } from './process-memory.ts'
import { benchDeviceIds } from './provision.ts'
import { provisionThroughRegistry } from './provision-registry.ts'
import { startOurs } from './targets.ts'

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '4000' },
    'idle-s': { type: 'string', default: '20' },
    snapshots: { type: 'string' },
    // a copy of /proc/<pid>/smaps before and after: which mappings the RSS grew in
    smaps: { type: 'string' },
    // the alert engine runs in a worker thread: its heap is in the RSS, not in the main thread's heap
    'no-alerts': { type: 'boolean', default: false },
  },
})
const nofile = childNofile()
const devices = Math.min(Number(values.devices), nofile - 1_000)
const idleMs = Number(values['idle-s']) * 1000
installExitHandlers()
const bin = findInfluxd(process.env)
if (!bin) {
  console.error(INSTALL_HINT)
  process.exit(2)
}
const work = mkdtempSync(join(tmpdir(), 'courtyard-city-memory-'))
atExit(() => rmSync(work, { recursive: true, force: true }))
const influxd = await startLocalInfluxd({ dir: join(work, 'influx'), bin })
trackPid(influxd.pid)
const dataDir = join(work, 'ours')
mkdirSync(dataDir, { recursive: true })
await createDatabase(influxd.url, 'city')
const creds = await provisionThroughRegistry({ dataDir, ids: benchDeviceIds(devices) })
const t = await startOurs({
  influxUrl: influxd.url,
  db: 'city',
  dataDir,
  inspect: true,
  readyTimeoutMs: 120_000,
  nofile,
  env: values['no-alerts'] ? { ALERTS_ENABLED: 'false' } : undefined,
})
const snap = (when: string) =>
  values.snapshots ? join(values.snapshots, `ours-${when}.heapsnapshot`) : undefined
const kb = (n: number) => n.toFixed(2)
/** anonymous, file-backed and shared-memory parts of the RSS (kB): mapped files are not the heap's */
const rssParts = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') }
}
try {
  const before = await sampleAfterGc(t.pid, t.inspectPort!, 120_000, snap('before'))
  const partsBefore = rssParts(t.pid)
  if (values.smaps) writeFileSync(join(values.smaps, 'before.smaps'), readFileSync(`/proc/${t.pid}/smaps`))
  const fleet = await startFleet({
    mqttUrl: t.mqttUrl,
    creds,
    workDir: work,
    children: 4,
    devicesPerAddress: 20_000,
    connectBatch: 50,
    connectTimeoutMs: 600_000,
    nofile,
  })
  const n = fleet.connected.connected
  console.log(
    `city-memory: ${n} of ${devices} devices connected in ${(fleet.connected.elapsedMs / 1000).toFixed(1)} s (${fleet.connected.failed} failed), service node args: ${process.env.BENCH_SERVICE_NODE_ARGS ?? '(none)'}${values['no-alerts'] ? ', alerts off' : ''}`,
  )
  await new Promise((r) => setTimeout(r, 3_000))
  const after = await sampleAfterGc(t.pid, t.inspectPort!, 120_000, snap('after'))
  const per = (a: HeapSample, f: (s: HeapSample) => number) => kb((f(a) - f(before)) / n)
  const line = (label: string, a: HeapSample) =>
    console.log(
      `city-memory: ${label}: RSS ${Math.round(before.rssKb / 1024)} -> ${Math.round(a.rssKb / 1024)} MB, ${per(a, (s) => s.rssKb)} KB per device; V8 heap ${Math.round(before.heapUsedKb / 1024)} -> ${Math.round(a.heapUsedKb / 1024)} MB, ${per(a, (s) => s.heapUsedKb)} KB per device; per device: heap committed ${per(a, (s) => s.heapTotalKb)} KB, outside the heap ${per(a, (s) => s.rssKb - s.heapTotalKb)} KB (external ${per(a, (s) => s.externalKb)}, array buffers ${per(a, (s) => s.arrayBuffersKb)}; worker heaps used ${per(a, (s) => s.workersHeapUsedKb)}, committed ${per(a, (s) => s.workersHeapTotalKb)})`,
    )
  line('3 s after the last connect', after)
  const partsAfter = rssParts(t.pid)
  if (values.smaps) writeFileSync(join(values.smaps, 'after.smaps'), readFileSync(`/proc/${t.pid}/smaps`))
  console.log(
    `city-memory: RSS per device by kind: anonymous ${kb((partsAfter.anon - partsBefore.anon) / n)} KB, files ${kb((partsAfter.file - partsBefore.file) / n)} KB, shared memory ${kb((partsAfter.shmem - partsBefore.shmem) / n)} KB`,
  )
  if (idleMs > 0) {
    await new Promise((r) => setTimeout(r, idleMs))
    line(`after ${idleMs / 1000} s more idle`, await sampleAfterGc(t.pid, t.inspectPort!, 120_000))
  }
  await fleet.close()
} finally {
  await t.stop()
}
process.exit(0)
