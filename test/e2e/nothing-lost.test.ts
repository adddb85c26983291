// "Nothing is lost": every message the broker acknowledged (QoS 1 PUBACK) reaches InfluxDB exactly once,
// across an InfluxDB outage and across SIGKILLs of the service process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { findInfluxd, freePort, startLocalInfluxd } from '../../influx/index.ts'
import { startPublisherFleet } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { createServiceProcess, pollUntil } from '../support/service-process.ts'

describe('nothing is lost', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('stores every acknowledged message exactly once when InfluxDB is stopped mid-stream and restarted', async () => {
    const bin = findInfluxd(process.env)!
    const dir = mkdtempSync(join(tmpdir(), 'courtyard-outage-influx-'))
    const port = await freePort()
    let influx = await startLocalInfluxd({ dir, bin, httpPort: port })
    cleanups.push(async () => {
      await influx.stop()
      rmSync(dir, { recursive: true, force: true })
    })
    const db = 'outage'
    const svc = await createServiceProcess({ influxUrl: influx.url, db })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const devices = await provisionCircuits(svc, 'outage', 8)
    const fleet = await startPublisherFleet({ url: svc.mqttUrl, devices })
    cleanups.push(() => fleet.close())
    fleet.run()
    await pollUntil(() => fleet.ackedCount() >= 400, { what: '400 acks before the outage' })

    await influx.stop()
    const ackedAtOutage = fleet.ackedCount()
    // the broker keeps acknowledging while InfluxDB is down: the spool holds the data
    await pollUntil(() => fleet.ackedCount() >= ackedAtOutage + 800, { what: '800 acks during the outage' })
    const ready = await fetch(`${svc.httpUrl}/readyz`)
    expect(ready.status).toBe(503)

    influx = await startLocalInfluxd({ dir, bin, httpPort: port })
    await pollUntil(() => fleet.ackedCount() >= ackedAtOutage + 1200, { what: 'acks after the outage' })
    await fleet.stop()
    await expectExactlyOnce(influx.url, db, fleet.acked)
  }, 240_000)

  it('stores every acknowledged message exactly once when the service is SIGKILLed mid-stream, again and again', async () => {
    const influxUrl = inject('influxUrl')
    const db = 'sigkill'
    const svc = await createServiceProcess({ influxUrl, db })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const devices = await provisionCircuits(svc, 'kill', 8)
    const fleet = await startPublisherFleet({ url: svc.mqttUrl, devices })
    cleanups.push(() => fleet.close())
    fleet.run()
    for (let round = 0; round < 3; round++) {
      const before = fleet.ackedCount()
      await pollUntil(() => fleet.ackedCount() >= before + 500, { what: `500 acks in round ${round}` })
      await svc.kill('SIGKILL')
      await svc.start()
    }
    const before = fleet.ackedCount()
    await pollUntil(() => fleet.ackedCount() >= before + 300, { what: 'acks after the last restart' })
    await fleet.stop()
    expect(fleet.ackedCount()).toBeGreaterThan(1800)
    await expectExactlyOnce(influxUrl, db, fleet.acked)
    // three restarts, and tens of thousands of readings to check: on a loaded 2-core machine, minutes
  }, 240_000)
  it('publishes no reading ahead of the clock from the test fleet, which would be acknowledged and then rejected', async () => {
    // the fleet stamps one reading a second from t0 and publishes as fast as the broker acknowledges: from
    // 5 s ago it reaches the present at once. Past it, ingest rejects readings (ts_future) that the broker
    // acknowledged, and the exactly-once checks above would count them lost (seen once in CI)
    const influxUrl = inject('influxUrl')
    const db = 'fleet_clock'
    const svc = await createServiceProcess({ influxUrl, db })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const devices = await provisionCircuits(svc, 'clock', 2)
    const fleet = await startPublisherFleet({ url: svc.mqttUrl, devices, t0: Date.now() - 5_000 })
    cleanups.push(() => fleet.close())
    fleet.run()
    await pollUntil(() => fleet.ackedCount() >= 8, { what: 'the readings of the last 5 s acknowledged' })
    await expect(fleet.stop()).rejects.toThrow(/reached the present/)
    const c = await expectExactlyOnce(influxUrl, db, fleet.acked)
    expect(c.stored).toBe(fleet.sentCount())
  }, 60_000)
})
