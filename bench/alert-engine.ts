// The alert engine alone: N circuit-monitor readings from D devices already in a spool, consumed by the
// engine with the catalogue rules and a real alerts.db. Prints µs per reading (not asserted anywhere).
//   node --import tsx bench/alert-engine.ts [readings=200000] [devices=1000]
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { openAlertsDb } from '../api/alerts/db.ts'
import { startAlertEngine } from '../api/alerts/engine.ts'
import type { AlertBusEvents } from '../api/alerts/types.ts'
import { openRegistry } from '../registry/index.ts'
import { openSpoolReader, openSpoolWriter } from '../spool/index.ts'
import { circuitPayload } from './circuit-payload.ts'

const readings = Number(process.argv[2] ?? 200_000)
const nDevices = Number(process.argv[3] ?? 1000)
const dir = mkdtempSync(join(tmpdir(), 'courtyard-engine-bench-'))
const log = pino({ level: 'silent' })
const registry = openRegistry({ path: join(dir, 'registry.db'), log, scrypt: { N: 1024, r: 8, p: 1 } })
registry.createTenant({ id: 'acme', name: 'Acme' })
registry.createSite({ id: 'blk', tenantId: 'acme', name: 'Block', community: 'Garden', kind: 'building' })
const ids = Array.from({ length: nDevices }, (_, i) => `circ-${i}`)
for (const id of ids)
  await registry.provisionDevice({ id, kind: 'circuit-monitor', siteId: 'blk', reportIntervalS: 60 })

const spoolDir = join(dir, 'spool')
const writer = await openSpoolWriter({ dir: spoolDir, maxBytes: 1 << 30, log })
const t0 = Date.now() - 3 * 86_400_000
const per = Math.ceil(readings / nDevices)
let pending = 0
for (let s = 0; s < per; s++) {
  for (const id of ids) {
    pending++
    writer.append(`devices/${id}/telemetry`, Buffer.from(circuitPayload(t0 + s * 60_000, s)), () => pending--)
  }
  while (pending > 5000) await new Promise((r) => setTimeout(r, 1))
}
while (pending > 0) await new Promise((r) => setTimeout(r, 5))
const total = per * nDevices

const reader = await openSpoolReader({ dir: spoolDir, log, consumer: 'alerts' })
const db = openAlertsDb(join(dir, 'alerts.db'))
const bus = new EventEmitter<AlertBusEvents>()
const cpu0 = process.cpuUsage()
const start = Date.now()
const engine = startAlertEngine({
  spool: reader,
  directory: registry,
  db,
  bus,
  log,
  metrics: new MetricsRegistry(),
  now: Date.now,
  offlineCheckIntervalMs: 0,
})
while (engine.stats().processed < total) await new Promise((r) => setTimeout(r, 20))
const ms = Date.now() - start
const cpu = process.cpuUsage(cpu0)
console.log(
  `alert engine: ${total} circuit readings from ${nDevices} devices in ${ms} ms: ${Math.round((total / ms) * 1000)} readings/s, ` +
    `${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU per reading`,
)
await engine.stop()
await reader.close()
await writer.close()
db.close()
registry.close()
rmSync(dir, { recursive: true, force: true })
