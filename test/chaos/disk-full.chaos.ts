// The disk fills up under the spool: a small tmpfs mounted on the spool directory (we run as root here and
// in CI), or, where mounting is not allowed, a small SPOOL_MAX_MB bound. InfluxDB is stopped so the spool
// grows until it is full: the broker stops acknowledging, holds what it has; InfluxDB comes back, the
// backlog drains, consumed segments are deleted, the broker acknowledges again, and nothing acknowledged
// is lost.
// It used to stick about 1 run in 6: with the disk full to its last page no consumer's checkpoint (a
// small file written, then renamed) fitted, so no segment could be deleted. The writer now keeps a reserve
// free (spool/spool-writer.ts, test/spool/disk-reserve.test.ts).
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { intBetween } from '../../simulators/physics/random.ts'
import { startPublisherFleet } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { startRestartableInfluxd } from '../support/restartable-influxd.ts'
import { createServiceProcess, pollUntil } from '../support/service-process.ts'
import { chaosRng, report } from './chaos-support.ts'

const NAME = 'disk-full'
const DISK_MB = 8

/** Mounts a DISK_MB tmpfs on `dir`; false where the machine does not allow it. */
function mountSmallDisk(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m`, 'tmpfs', dir], { stdio: 'pipe' })
    return true
  } catch (err) {
    console.log(
      `chaos ${NAME}: no tmpfs (${String((err as Error).message).split('\n')[0]}), using SPOOL_MAX_MB`,
    )
    return false
  }
}

interface SpoolHealth {
  blocked?: boolean
  diskBytes?: number
}
async function spoolHealth(httpUrl: string): Promise<SpoolHealth> {
  const body = (await (await fetch(`${httpUrl}/readyz`)).json()) as { checks?: { spool?: SpoolHealth } }
  return body.checks?.spool ?? {}
}

describe(NAME, () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('stops acknowledging when the spool disk is full, resumes once the backlog drains, and loses nothing', async () => {
    const { rng } = chaosRng(NAME)
    const influx = await startRestartableInfluxd(cleanups)
    const db = 'chaos_disk_full'
    const svc = await createServiceProcess({ influxUrl: influx.url, db })
    const spoolDir = join(svc.dataDir, 'spool')
    mkdirSync(spoolDir)
    const mounted = mountSmallDisk(spoolDir)
    if (mounted)
      cleanups.push(async () => {
        execFileSync('umount', ['-l', spoolDir])
      })
    // the default segment size (64 MB), far above the disk: the one segment being written holds the
    // whole backlog, so the disk frees only if the spool moves on to a new segment when it is full
    if (!mounted) svc.env.SPOOL_MAX_MB = String(DISK_MB)
    const how = mounted ? `a ${DISK_MB} MB tmpfs under the spool` : `SPOOL_MAX_MB=${DISK_MB}`
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const devices = await provisionCircuits(svc, 'disk', 8)
    const fleet = await startPublisherFleet({ url: svc.mqttUrl, devices })
    cleanups.push(() => fleet.close())
    fleet.run()
    await pollUntil(() => fleet.ackedCount() >= intBetween(rng, 200, 2_000), { what: 'acks before' })

    await influx.stop()
    // the spool fills up: appends are held and acknowledgements stop
    await pollUntil(async () => (await spoolHealth(svc.httpUrl)).blocked === true, {
      timeoutMs: 120_000,
      intervalMs: 250,
      what: `the spool full (${how})`,
    })
    const ackedWhenFull = fleet.ackedCount()
    // full: every device's window of unacknowledged publishes fills up and stays full
    await pollUntil(() => fleet.sentCount() - fleet.ackedCount() === devices.length * 20, {
      what: 'every device stalled on its window of 20 unacknowledged',
    })
    const stalledAt = fleet.ackedCount()
    // watch the service say "full" ten times over: not one acknowledgement meanwhile
    let health: SpoolHealth = {}
    for (let i = 0; i < 10; i++) {
      health = await spoolHealth(svc.httpUrl)
      expect(health.blocked, 'still full').toBe(true)
    }
    expect(fleet.ackedCount(), 'no acks while the spool is full').toBe(stalledAt)

    await influx.start()
    await pollUntil(() => fleet.ackedCount() >= stalledAt + 2_000, {
      timeoutMs: 90_000,
      what: 'acks again once the backlog drained',
    }).catch((err) => {
      throw new Error(`${String(err)}\n--- service output ---\n${svc.output().slice(-20000)}`)
    })
    await fleet.stop()
    const c = await expectExactlyOnce(influx.url, db, fleet.acked)
    report(
      NAME,
      `8 devices, ${how}, InfluxDB stopped: spool full at ${ackedWhenFull} acks (${((health.diskBytes ?? 0) / 1048576).toFixed(1)} MB), broker held acks, resumed after InfluxDB came back`,
      c,
    )
  })
})
