// The device list's latest-state lookup for a page of 1,000 devices, against a real influxd (its own,
// in a temp dir): influxd CPU and wall time per page, for each way of asking. Prints; never asserts.
//   node --import tsx bench/device-state.ts [--devices 1000] [--rounds 20]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInfluxDeviceState } from '../api/index.ts'
import { pointTimestampNs } from '../domain/storage.ts'
import { createInfluxClient, findInfluxd, startLocalInfluxd } from '../influx/index.ts'
import { readCpuMs } from './process-cpu.ts'

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const DEVICES = arg('devices', 1000)
const ROUNDS = arg('rounds', 20)

const dir = mkdtempSync(join(tmpdir(), 'courtyard-bench-state-'))
const bin = findInfluxd(process.env)
if (!bin) throw new Error('influxd not found')
const influxd = await startLocalInfluxd({ dir, bin })
const influx = createInfluxClient({ url: influxd.url, db: 'bench' })
try {
  await influx.ensureDatabase()
  const now = Date.now()
  const ids = Array.from({ length: DEVICES }, (_, i) => `dev-${String(i).padStart(5, '0')}`)
  // a day of readings every 5 minutes per device, and one status point
  const lines: string[] = []
  for (const id of ids) {
    const tags = `tenant=acme,community=cm-1,site=s-${id.slice(-2)},device=${id}`
    for (let k = 0; k < 288; k++)
      lines.push(
        `circuit,${tags} powerW=${k},voltageV=230,seq=${k}i ${pointTimestampNs(now - k * 300_000, k)}`,
      )
    lines.push(`device_status,${tags} online=true,source="device" ${pointTimestampNs(now - 86_400_000, 0)}`)
    if (lines.length > 50_000) await influx.write(lines.splice(0).join('\n'))
  }
  await influx.write(lines.join('\n'))
  const page = ids.map((id) => ({ id, kind: 'circuit-monitor' as const }))

  const measure = async (name: string, run: () => Promise<unknown>) => {
    await run()
    const cpu0 = readCpuMs(influxd.pid)
    const t0 = performance.now()
    for (let r = 0; r < ROUNDS; r++) await run()
    const wallMs = (performance.now() - t0) / ROUNDS
    const cpuMs = (readCpuMs(influxd.pid) - cpu0) / ROUNDS
    console.log(
      `${name.padEnd(44)} influxd CPU ${cpuMs.toFixed(1).padStart(7)} ms/page   wall ${wallMs.toFixed(1).padStart(7)} ms/page`,
    )
  }
  const state = createInfluxDeviceState({ influx, now: Date.now })
  const since = new Date(now - 30 * 86_400_000).toISOString()
  // what api/device-state.ts asked before: one `"device" = $dN` per id, OR-ed, in both queries
  const before = (n: number) => {
    const params: Record<string, string> = { since }
    const or = ids
      .slice(0, n)
      .map((id, i) => {
        params[`d${i}`] = id
        return `"device" = $d${i}`
      })
      .join(' OR ')
    return Promise.all([
      influx.query(
        `SELECT last("online") AS "online" FROM "device_status" WHERE (${or}) AND time >= $since GROUP BY "device"`,
        params,
      ),
      influx.query(
        `SELECT * FROM "circuit" WHERE (${or}) AND time >= $since GROUP BY "device" ORDER BY time DESC LIMIT 1`,
        params,
      ),
    ])
  }
  console.log(`${DEVICES} devices, ${DEVICES * 288} readings, ${ROUNDS} rounds each`)
  for (const n of [100, DEVICES]) {
    await measure(`page of ${n}: OR of ids (before)`, () => before(n))
    await measure(`page of ${n}: bound regex (after)`, () => state.forDevices(page.slice(0, n)))
  }
} finally {
  await influx.close()
  await influxd.stop()
  rmSync(dir, { recursive: true, force: true })
}
