// Alerts switched off and on between runs, with devices publishing all along: run 1 with the alert engine,
// run 2 with ALERTS_ENABLED=false, run 3 with the engine again. InfluxDB gets every acknowledged reading
// exactly once; the spool does not keep segments for the consumer that was switched off (its disk usage
// returns to about one segment); the engine raises alerts again in run 3.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterAll, describe, inject, it } from 'vitest'
import type { Alert } from '../../domain/alerts.ts'
import { intBetween } from '../../simulators/physics/random.ts'
import { startPublisherFleet } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { api, createServiceProcess, pollUntil } from '../support/service-process.ts'
import { chaosRng, report } from './chaos-support.ts'

const NAME = 'alerts-off-on'
const SEGMENT_MB = 1

/** Bytes and count of the spool's segment files. */
function spoolUsage(dir: string): { segments: number; bytes: number } {
  const segs = readdirSync(dir).filter((f) => f.endsWith('.seg'))
  return { segments: segs.length, bytes: segs.reduce((n, f) => n + statSync(join(dir, f)).size, 0) }
}

describe(NAME, () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('loses nothing, frees the spool and resumes alerting when the engine is switched off and on between runs', async () => {
    const { rng } = chaosRng(NAME)
    const influxUrl = inject('influxUrl')
    const db = 'chaos_alerts_off_on'
    // small segments, so that "consumed segments are deleted" shows within a short run
    const svc = await createServiceProcess({
      influxUrl,
      db,
      extraEnv: { SPOOL_SEGMENT_MB: String(SEGMENT_MB), ALERTS_ENABLED: 'true' },
    })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const spoolDir = join(svc.dataDir, 'spool')
    const devices = await provisionCircuits(svc, 'alerts', 6)
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Shed C',
      community: 'Alert Gardens',
      kind: 'charging-shed',
    })
    const pile = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
      id: 'pile-off-on',
      kind: 'charging-pile',
      siteId: site.id,
    })
    const pileClient = await mqtt.connectAsync(svc.mqttUrl, {
      clientId: pile.id,
      username: pile.id,
      password: pile.secret,
      reconnectPeriod: 200,
    })
    cleanups.push(() => pileClient.endAsync(true))
    let pileSeq = 0
    const t0 = Date.now() - 20 * 86_400_000
    const fault = (port: number) =>
      pileClient.publishAsync(
        `devices/${pile.id}/events`,
        JSON.stringify({
          ts: Date.now() - 60_000 + pileSeq,
          seq: pileSeq++,
          kind: 'charging-pile',
          event: 'port_fault',
          port,
          code: 'over_current',
        }),
        { qos: 1 },
      )
    const activeFault = async (port: number) => {
      const list = await api<{ items: Alert[] }>(
        svc,
        'GET',
        `/api/v1/alerts?deviceId=${pile.id}&type=port_fault`,
      )
      return list.items.some((a) => a.port === port && a.state === 'active')
    }

    const fleet = await startPublisherFleet({ url: svc.mqttUrl, devices, t0 })
    cleanups.push(() => fleet.close())
    fleet.run()
    // each run: a random amount of readings, a few MB of spool
    const runFor = async (what: string) => {
      const n = intBetween(rng, 8_000, 15_000)
      const before = fleet.ackedCount()
      await pollUntil(() => fleet.ackedCount() >= before + n, {
        timeoutMs: 90_000,
        what: `${n} acks ${what}`,
      })
      return n
    }

    // run 1: the engine on, a fault raises an alert
    await fault(1)
    await pollUntil(() => activeFault(1), { what: 'port 1 alert in run 1' })
    const run1 = await runFor('in run 1')
    await svc.kill('SIGTERM')
    // run 2: the engine off while devices keep publishing
    svc.env.ALERTS_ENABLED = 'false'
    await svc.start()
    const run2 = await runFor('in run 2 (alerts off)')
    // ingest alone frees what it has read: down to the current segment and the one it may still hold.
    // Polled, not sampled once: at a segment's roll a third stands until ingest's next checkpoint (one CI
    // run caught that instant). A checkpoint of the engine's held while it is off would never get here
    const usageOff = await pollUntil(
      () => {
        const u = spoolUsage(spoolDir)
        return u.segments <= 2 ? u : undefined
      },
      { timeoutMs: 20_000, what: 'no segments piling up while the engine is off' },
    )
    await svc.kill('SIGTERM')
    // run 3: the engine on again
    svc.env.ALERTS_ENABLED = 'true'
    await svc.start()
    const run3 = await runFor('in run 3')
    await fault(2)
    await pollUntil(() => activeFault(2), { what: 'port 2 alert in run 3: the engine resumed' })
    await fleet.stop()
    const c = await expectExactlyOnce(influxUrl, db, fleet.acked)

    // every consumer caught up: the segments it read are deleted, down to the current one (and the
    // one the reader may still hold open)
    const usage = await pollUntil(
      () => {
        const u = spoolUsage(spoolDir)
        return u.segments <= 2 && u.bytes <= 2 * SEGMENT_MB * 1024 * 1024 ? u : undefined
      },
      { what: 'spool segments deleted once consumed' },
    )
    report(
      NAME,
      `6 devices, runs of ${run1}/${run2}/${run3} acks with alerts on/off/on through ${SEGMENT_MB} MB segments; spool during run 2 ${usageOff.segments} segment(s), spool at the end ${usage.segments} segment(s), ${(usage.bytes / 1024).toFixed(0)} kB; engine raised a fault in run 1 and again in run 3`,
      c,
    )
  })
})
