// A fresh install (empty DATA_DIR, no database yet) whose InfluxDB is not there for its first stretch:
// the service starts anyway, devices are provisioned and publish, the spool holds everything, and once
// InfluxDB answers the database is created and every acknowledged reading lands exactly once.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findInfluxd, freePort, startLocalInfluxd } from '../../influx/index.ts'
import { intBetween } from '../../simulators/physics/random.ts'
import { startPublisherFleet } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { createServiceProcess, pollUntil } from '../support/service-process.ts'
import { chaosRng, report } from './chaos-support.ts'

const NAME = 'fresh-install-influx-down'

describe(NAME, () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('starts without InfluxDB, spools, and stores every acknowledged reading once InfluxDB comes up', async () => {
    const { rng } = chaosRng(NAME)
    const bin = findInfluxd(process.env)!
    const dir = mkdtempSync(join(tmpdir(), 'courtyard-chaos-influx-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    // nothing listens on this port yet: connection refused until InfluxDB starts
    const port = await freePort()
    const influxUrl = `http://127.0.0.1:${port}`
    const db = 'chaos_fresh_install'
    const svc = await createServiceProcess({ influxUrl, db })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start({ until: 'live' })
    expect((await fetch(`${svc.httpUrl}/readyz`)).status, 'not ready without InfluxDB').toBe(503)

    const devices = await provisionCircuits(svc, 'fresh', 6)
    // bounded, so that the backlog drains in seconds once InfluxDB is up; the last 300 wait for it
    const fleet = await startPublisherFleet({
      url: svc.mqttUrl,
      devices,
      maxPerDevice: 3_000,
    })
    cleanups.push(() => fleet.close())
    fleet.run()
    // the fault itself lasts a random stretch of time (bounded so that the scenario stays ≤ 2 min)
    const outageS = intBetween(rng, 20, 45)
    await new Promise((r) => setTimeout(r, outageS * 1000))
    const outageAcks = fleet.ackedCount()
    expect(outageAcks, 'the broker acknowledges while InfluxDB is absent').toBeGreaterThan(0)
    const influx = await startLocalInfluxd({ dir, bin, httpPort: port })
    cleanups.push(() => influx.stop())
    // the service finds InfluxDB on its own (its retry backs off to at most 30 s) and turns ready
    await pollUntil(async () => (await fetch(`${svc.httpUrl}/readyz`)).status === 200, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'ready once InfluxDB is up',
    })
    await pollUntil(() => fleet.ackedCount() === devices.length * 3_000, {
      what: 'every reading acknowledged',
    })
    await fleet.stop()

    const c = await expectExactlyOnce(influx.url, db, fleet.acked)
    report(
      NAME,
      `6 devices on an empty data dir, InfluxDB absent for the first ${outageS} s (${outageAcks} acks spooled meanwhile)`,
      c,
    )
  })
})
