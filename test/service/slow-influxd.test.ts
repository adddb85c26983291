// The service's private influxd (no INFLUX_URL) opens its HTTP port only once its data is loaded: on a large
// database that takes longer than any fixed bound. The service must start anyway and store what devices
// send once influxd answers, not kill influxd half-loaded and exit; and a stop that comes while influxd is
// still starting must stop it too, not leave it running in its own process group.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { findInfluxd } from '../../influx/index.ts'
import { pileReading } from '../alerts/engine/harness.ts'
import { connectDevice } from '../support/device-publisher.ts'
import { influxQuery } from '../support/influx-query.ts'
import { alive } from '../support/process-tree.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const work = mkdtempSync(join(tmpdir(), 'courtyard-slow-influxd-'))
const services: ServiceProcess[] = []
afterAll(async () => {
  for (const s of services) {
    await s.kill('SIGKILL').catch(() => undefined)
    // a SIGKILLed service cannot stop its influxd, which runs in a process group of its own: this does
    // (left running, every test run added one more influxd to the machine)
    try {
      process.kill(Number(readFileSync(join(s.dataDir, 'influxdb', 'influxd.pid'), 'utf8')), 'SIGKILL')
    } catch {
      // never started, or already gone
    }
  }
  rmSync(work, { recursive: true, force: true })
})

/** An influxd that takes `seconds` before it starts loading, as a big database would before it answers. */
function slowInfluxd(seconds: number): string {
  const real = findInfluxd({ PATH: process.env.PATH })
  if (!real) throw new Error('influxd not installed')
  const path = join(work, `influxd-slow-${seconds}`)
  writeFileSync(path, `#!/bin/sh\nsleep ${seconds}\nexec ${real} "$@"\n`)
  chmodSync(path, 0o755)
  return path
}

describe('the private influxd, slow to answer', () => {
  it('starts the service without it, and stores the readings once it answers', async () => {
    const svc = await createServiceProcess({
      // the test run's InfluxDB is not used: the service starts its own
      influxUrl: inject('influxUrl'),
      extraEnv: { INFLUX_URL: '', INFLUXD_BIN: slowInfluxd(32) },
    })
    services.push(svc)
    // past the old 30 s bound: influxd was killed half-loaded and the service exited 1 (never live)
    await svc.start({ until: 'live' })
    expect(svc.printed('local influxd started, still loading its data')).toBe(true)
    const d = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
      id: 'slow-db-1',
      kind: 'charging-pile',
      siteId: (
        await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
          name: 'Shed S',
          community: 'Slow Gardens',
          kind: 'charging-shed',
        })
      ).id,
    })
    const client = await connectDevice(svc.mqttUrl, d)
    const ts = Date.now()
    await client.publishAsync('devices/slow-db-1/telemetry', JSON.stringify(pileReading(ts, 1, [30])), {
      qos: 1,
    })
    await client.endAsync()
    const url = JSON.parse(
      svc
        .output()
        .split('\n')
        .find((l) => l.includes('local influxd started'))!,
    ).url as string
    await pollUntil(
      async () =>
        (await influxQuery(url, svc.env.INFLUX_DB!, 'SELECT * FROM "pile"').catch(() => [])).length > 0,
      {
        timeoutMs: 60_000,
        what: 'the reading stored once influxd answers',
      },
    )
  }, 120_000)

  it('stops the influxd it is still starting when told to stop', async () => {
    const svc = await createServiceProcess({
      influxUrl: inject('influxUrl'),
      extraEnv: { INFLUX_URL: '', INFLUXD_BIN: slowInfluxd(60) },
    })
    services.push(svc)
    void svc.start({ until: 'live' }).catch(() => undefined)
    const pidFile = join(svc.dataDir, 'influxdb', 'influxd.pid')
    const influxdPid = await pollUntil(
      () => {
        try {
          return Number(readFileSync(pidFile, 'utf8')) || false
        } catch {
          return false
        }
      },
      { what: 'influxd spawned' },
    )
    await svc.kill('SIGTERM')
    // before: shutdown found nothing to stop and exited; influxd, in its own process group, ran on
    await pollUntil(() => !alive(influxdPid), { timeoutMs: 15_000, what: 'influxd stopped with the service' })
  }, 60_000)
})
