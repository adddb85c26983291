// Spool writer throughput: N closed-loop appenders of 300-byte records (each appends again as soon as
// its previous record is durable). Prints appends/s, fsyncs/s and records per fsync. Not asserted.
// Usage: tsx bench/spool.ts [appenders=1000] [seconds=5] [dir=tmp]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { openSpoolReader, openSpoolWriter } from '../spool/index.ts'

const appenders = Number(process.argv[2] ?? 1000)
const seconds = Number(process.argv[3] ?? 5)
const dir = process.argv[4] ?? mkdtempSync(join(tmpdir(), 'courtyard-bench-spool-'))
const log = pino({ level: 'warn' })

const writer = await openSpoolWriter({ dir, maxBytes: 8 * 1024 ** 3, log })
const topic = 'devices/pile-000123/telemetry'
const payload = Buffer.alloc(300 - topic.length - 18, 0x7b)
let running = true
let acked = 0
const loop = (): void => {
  if (!running) return
  writer.append(topic, payload, (err) => {
    if (err) throw err
    acked++
    loop()
  })
}
const started = performance.now()
const cpu0 = process.cpuUsage()
for (let i = 0; i < appenders; i++) loop()
await new Promise((r) => setTimeout(r, seconds * 1000))
running = false
const elapsed = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpu0)
const st = writer.stats()
await writer.close()

const readStart = performance.now()
const reader = await openSpoolReader({ dir, log })
let read = 0
for (;;) {
  const batch = await reader.next(10_000, 50)
  if (batch.length === 0) break
  read += batch.length
}
const readElapsed = (performance.now() - readStart) / 1000
await reader.close()

console.log(
  JSON.stringify({
    appenders,
    recordBytes: 300,
    seconds: Number(elapsed.toFixed(2)),
    appendsPerS: Math.round(acked / elapsed),
    fsyncsPerS: Math.round(st.commits / elapsed),
    recordsPerFsync: Math.round(st.committedRecords / st.commits),
    cpuUsPerAppend: Number(((cpu.user + cpu.system) / acked).toFixed(2)),
    readPerS: Math.round(read / readElapsed),
    diskMiB: Number((st.diskBytes / 1024 ** 2).toFixed(1)),
  }),
)
if (!process.argv[4]) rmSync(dir, { recursive: true, force: true })
