import { afterAll, describe, expect, it } from 'vitest'
import { intBetween } from '../../simulators/physics/random.ts'
import { startPublisherFleet } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { startRestartableInfluxd } from '../support/restartable-influxd.ts'
import { createServiceProcess, pollUntil } from '../support/service-process.ts'
import { chaosRng, report } from './chaos-support.ts'

const NAME = 'sigkill-influx-outage'

describe(NAME, () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('loses nothing acknowledged when the service is SIGKILLed at random moments across an InfluxDB outage', async () => {
    const { rng } = chaosRng(NAME)
    const influx = await startRestartableInfluxd(cleanups)
    const db = 'chaos_kill_outage'
    const svc = await createServiceProcess({ influxUrl: influx.url, db })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const devices = await provisionCircuits(svc, 'kill', 8)
    const fleet = await startPublisherFleet({ url: svc.mqttUrl, devices })
    cleanups.push(() => fleet.close())
    fleet.run()

    let kills = 0
    // a random moment: after a random number of further acknowledgements
    const killSoon = async (what: string) => {
      const before = fleet.ackedCount()
      const wait = intBetween(rng, 50, 600)
      await pollUntil(() => fleet.ackedCount() >= before + wait, { what: `${wait} acks ${what}` })
      await svc.kill('SIGKILL')
      kills++
      // without InfluxDB it never turns ready: alive is enough, the acks show the rest
      await svc.start({ until: 'live' })
    }
    await killSoon('before the outage')
    await influx.stop()
    const outageKills = intBetween(rng, 2, 4)
    for (let i = 0; i < outageKills; i++) await killSoon(`in the outage (kill ${i + 1})`)
    const ready = await fetch(`${svc.httpUrl}/readyz`)
    expect(ready.status, 'not ready while InfluxDB is down').toBe(503)
    await influx.start()
    // InfluxDB back: a kill while the backlog drains
    const afterKills = intBetween(rng, 1, 3)
    for (let i = 0; i < afterKills; i++) await killSoon(`after the outage (kill ${i + 1})`)
    const before = fleet.ackedCount()
    await pollUntil(() => fleet.ackedCount() >= before + 300, { what: 'acks after the last restart' })
    await fleet.stop()

    const c = await expectExactlyOnce(influx.url, db, fleet.acked)
    report(
      NAME,
      `8 devices, ${kills} SIGKILLs (${outageKills} while InfluxDB was down, ${afterKills} while its backlog drained)`,
      c,
    )
  })
})
