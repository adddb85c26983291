// The alert engine alone: N circuit-monitor readings from D devices consumed by the engine with the
// catalogue rules and a real alerts.db. Prints µs of CPU per reading (not asserted anywhere).
//   node --import tsx bench/alert-engine.ts [readings=200000] [devices=1000] [--batch 5000]
//                                          [--live msgPerS] [--every ms]
// default    the readings are in the spool before the engine starts; it reads them in batches of --batch.
// --live     as in the service (where the engine has a worker thread of its own): readings are appended at msgPerS while the engine follows the spool's tail
//            (woken by each group commit), so it reads what each commit made durable, often a few dozen
//            records. The CPU of the same appends without an engine, measured before and after that run,
//            is subtracted: the lower of the two (the first ran with a colder JIT and varied most).
// --every    event time between a device's readings (default 60000 ms; `npm run bench`'s devices: 40)
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { openAlertsDb, startAlertEngine } from '../alerts/index.ts'
import type { AlertBusEvents } from '../domain/bus.ts'
import { openRegistry } from '../registry/index.ts'
import type { SpoolReader, SpoolWriter } from '../spool/index.ts'
import { openSpoolReader, openSpoolWriter } from '../spool/index.ts'
import { circuitPayload } from './circuit-payload.ts'

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string', default: '5000' },
    every: { type: 'string', default: '60000' },
    live: { type: 'string' },
  },
})
const readings = Number(positionals[0] ?? 200_000)
const nDevices = Number(positionals[1] ?? 1000)
const batchSize = Number(flags.batch)
const liveRate = flags.live === undefined ? undefined : Number(flags.live)

const dir = mkdtempSync(join(tmpdir(), 'courtyard-engine-bench-'))
const log = pino({ level: 'silent' })
const registry = openRegistry({ path: join(dir, 'registry.db'), log, scrypt: { N: 1024, r: 8, p: 1 } })
registry.createTenant({ id: 'acme', name: 'Acme' })
registry.createSite({ id: 'blk', tenantId: 'acme', name: 'Block', community: 'Garden', kind: 'building' })
const ids = Array.from({ length: nDevices }, (_, i) => `circ-${i}`)
for (const id of ids)
  await registry.provisionDevice({ id, kind: 'circuit-monitor', siteId: 'blk', reportIntervalS: 60 })
const everyMs = Number(flags.every)
const t0 = Date.now() - 3 * 86_400_000
const per = Math.ceil(readings / nDevices)
const total = per * nDevices

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const cpuUs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since)
  return c.user + c.system
}

/** Appends every reading, one per device per minute of event time; at `rate` msg/s, or as fast as acked. */
async function appendReadings(writer: SpoolWriter, rate?: number): Promise<void> {
  const started = Date.now()
  let sent = 0
  let pending = 0
  for (let s = 0; s < per; s++) {
    for (const id of ids) {
      pending++
      sent++
      writer.append(
        `devices/${id}/telemetry`,
        Buffer.from(circuitPayload(t0 + s * everyMs, s)),
        () => pending--,
      )
      // paced: whenever ahead of schedule, yield until the schedule catches up (timers run at ~1 ms)
      if (rate !== undefined && sent > ((Date.now() - started) * rate) / 1000) await sleep(1)
    }
    if (rate === undefined) while (pending > 5000) await sleep(1)
  }
  while (pending > 0) await sleep(5)
}

/** The reader as the engine sees it, counting reads. */
function asEngineSees(reader: SpoolReader) {
  const seen = { reads: 0 }
  const spool: SpoolReader = {
    async next(max, waitMs) {
      const entries = await reader.next(max, waitMs)
      if (entries.length > 0) seen.reads++
      return entries
    },
    commit: (pos) => reader.commit(pos),
    checkpoint: () => reader.checkpoint(),
    backlogBytes: () => reader.backlogBytes(),
    notify: () => reader.notify(),
    close: () => reader.close(),
  }
  return { spool, seen }
}

/** Runs the engine over the readings; returns CPU µs spent from its start until it has seen them all. */
async function runEngine(live: boolean) {
  const spoolDir = join(dir, live ? 'spool-live' : 'spool')
  const engineSpool: { reader?: SpoolReader } = {}
  const writer = await openSpoolWriter({
    dir: spoolDir,
    maxBytes: 1 << 30,
    log,
    onCommit: () => engineSpool.reader?.notify(),
  })
  if (!live) await appendReadings(writer)
  // blocking reads, as the service's engine thread reads
  const reader = await openSpoolReader({ dir: spoolDir, log, consumer: 'alerts', syncReads: true })
  engineSpool.reader = reader
  const { spool, seen } = asEngineSees(reader)
  const db = openAlertsDb(join(dir, live ? 'alerts-live.db' : 'alerts.db'))
  const cpu0 = process.cpuUsage()
  const start = Date.now()
  const engine = startAlertEngine({
    spool,
    directory: registry,
    registryStamp: registry.changeStamp,
    db,
    bus: new EventEmitter<AlertBusEvents>(),
    log,
    metrics: new MetricsRegistry(),
    now: Date.now,
    offlineCheckIntervalMs: 0,
    batchSize,
  })
  if (live) await appendReadings(writer, liveRate)
  while (engine.stats().processed < total) await sleep(live ? 1 : 20)
  const ms = Date.now() - start
  const cpu = cpuUs(cpu0)
  await engine.stop()
  await reader.close()
  await writer.close()
  db.close()
  return { ms, cpu, seen }
}

/** CPU µs of the live appends alone, to subtract from the live run with the engine. */
async function appendOnlyCpu(name: string): Promise<number> {
  const writer = await openSpoolWriter({ dir: join(dir, name), maxBytes: 1 << 30, log })
  const cpu0 = process.cpuUsage()
  await appendReadings(writer, liveRate)
  const cpu = cpuUs(cpu0)
  await writer.close()
  return cpu
}

const referenceBefore = liveRate === undefined ? 0 : await appendOnlyCpu('spool-reference-1')
const { ms, cpu, seen } = await runEngine(liveRate !== undefined)
const reference =
  liveRate === undefined ? 0 : Math.min(referenceBefore, await appendOnlyCpu('spool-reference-2'))
const engineUs = cpu - reference
const how = [
  liveRate === undefined ? `read in batches of ≤ ${batchSize}` : `appended live at ${liveRate} msg/s`,
  `${Math.round(total / seen.reads)} records per read`,
]
const not = [...(liveRate === undefined ? [] : [`${(reference / total).toFixed(2)} µs appending`])]
console.log(
  `alert engine: ${total} circuit readings from ${nDevices} devices (${how.join(', ')}) in ${ms} ms: ` +
    `${Math.round((total / ms) * 1000)} readings/s, ${(engineUs / total).toFixed(2)} µs CPU per reading` +
    (not.length > 0 ? ` (not counted: ${not.join(', ')})` : ''),
)
registry.close()
rmSync(dir, { recursive: true, force: true })
