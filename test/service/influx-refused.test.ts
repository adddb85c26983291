// An InfluxDB with authentication on and a Courtyard user without admin rights: CREATE DATABASE is refused.
// The real service says so (an error with what to do, a metric, /readyz not ready with the reason), keeps
// what devices send in the spool, and writes it once the user may create the database. And a database an
// administrator made for a user without admin rights is used as it is.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InfluxDB } from 'influx'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findInfluxd, type LocalInfluxd, startInflux, startLocalInfluxd } from '../../influx/index.ts'
import { circuitReading, connectDevice } from '../support/device-publisher.ts'
import { pollUntil } from '../support/poll.ts'
import { provisionCircuits } from '../support/provision.ts'
import { createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

let dir: string
let influxd: LocalInfluxd
/** InfluxDB's administrator, for the test's own statements and checks */
let root: InfluxDB
const services: ServiceProcess[] = []

const admin = (q: string) => root.queryRaw(q, { method: 'POST', database: '_internal' })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'courtyard-influx-refused-'))
  const bin = findInfluxd(process.env)
  if (!bin) throw new Error('influxd not found')
  influxd = await startLocalInfluxd({ dir: join(dir, 'influxd'), bin, auth: true })
  const u = new URL(influxd.url)
  root = new InfluxDB({ host: u.hostname, port: Number(u.port), username: 'admin', password: 'admin-pw' })
  // InfluxDB lets the first user, an admin, be created without credentials
  await new InfluxDB({
    host: u.hostname,
    port: Number(u.port),
    username: null as unknown as string,
  }).queryRaw(`CREATE USER "admin" WITH PASSWORD 'admin-pw' WITH ALL PRIVILEGES`, {
    method: 'POST',
    database: '_internal',
  })
}, 60_000)

afterAll(async () => {
  for (const s of services) await s.kill('SIGKILL')
  await influxd?.stop()
  for (const s of services) rmSync(s.dataDir, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

describe('an InfluxDB user without the rights to create the database', () => {
  it('makes the node not ready with the reason, an error and a metric, and what was spooled is written once it may', async () => {
    await admin(`CREATE USER "courtyard" WITH PASSWORD 'cy-pw'`)
    const db = 'refused_db'
    const svc = await createServiceProcess({
      influxUrl: influxd.url,
      db,
      extraEnv: { INFLUX_USER: 'courtyard', INFLUX_PASSWORD: 'cy-pw' },
    })
    services.push(svc)
    await svc.start({ until: 'live' })

    // not ready, and /readyz says why: InfluxDB answers (reachable) but refused the database
    let last = ''
    const refused = await pollUntil(
      async () => {
        const res = await fetch(`${svc.httpUrl}/readyz`)
        last = await res.text()
        const body = JSON.parse(last) as {
          checks: { influx?: { database?: string; reachable?: boolean; problems?: { summary: string }[] } }
        }
        return res.status === 503 && body.checks.influx?.database === 'refused' && body.checks.influx
      },
      { what: '/readyz reporting the refused database' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last /readyz: ${last}\n${svc.output().slice(-3000)}`)
    })
    expect(refused.reachable).toBe(true)
    expect(refused.problems?.[0]?.summary).toMatch(/refused to create database "refused_db"/)
    expect(refused.problems?.[0]?.summary).toMatch(/requires admin privilege/)
    expect(refused.problems?.[0]?.summary).toMatch(/admin rights/)
    expect(await (await fetch(`${svc.httpUrl}/metrics`)).text()).toMatch(
      /courtyard_influx_database_setup_failures_total\{reason="refused"\} [1-9]/,
    )
    const logged = svc
      .output()
      .split('\n')
      .filter((l) => l.includes('InfluxDB refused to create the database'))
      .map((l) => JSON.parse(l) as { level: number; fix?: string; err?: string })
    expect(logged[0]?.level, svc.output()).toBe(50)
    expect(logged[0]?.err).toMatch(/requires admin privilege/)
    expect(logged[0]?.fix).toMatch(/GRANT/)

    // a device's readings are taken (acknowledged, spooled) meanwhile
    const [device] = await provisionCircuits(svc, 'refused', 1)
    const client = await connectDevice(svc.mqttUrl, device!)
    const t0 = Date.now() - 60_000
    try {
      for (let seq = 0; seq < 5; seq++)
        await client.publishAsync(
          `devices/${device!.id}/telemetry`,
          JSON.stringify(circuitReading(seq, t0 + seq * 1000)),
          { qos: 1 },
        )
    } finally {
      await client.endAsync()
    }

    // the operator mends it: the next attempt creates the database, and ingest writes what was spooled
    await admin(`GRANT ALL PRIVILEGES TO "courtyard"`)
    await pollUntil(async () => (await fetch(`${svc.httpUrl}/readyz`)).status === 200, {
      timeoutMs: 60_000,
      what: 'ready once the user may create the database',
    })
    const stored = await pollUntil(
      async () => {
        const rows = await root.query<{ seq: number }>(`SELECT "seq" FROM "circuit"`, { database: db })
        return rows.length === 5 && rows.map((r) => r.seq)
      },
      { what: 'the spooled readings in InfluxDB' },
    )
    expect(stored).toEqual([0, 1, 2, 3, 4])
  }, 150_000)

  it('uses a database an administrator made and granted it, without asking to create it', async () => {
    await admin(`CREATE USER "writer" WITH PASSWORD 'w-pw'`)
    await admin(`CREATE DATABASE "given_db"`)
    // one privilege per database in InfluxDB 1.x: ALL is read and write
    await admin(`GRANT ALL ON "given_db" TO "writer"`)
    const part = startInflux({
      config: { url: influxd.url, db: 'given_db', username: 'writer', password: 'w-pw', retention: '30d' },
      log: pino({ level: 'silent' }),
      metrics: new Registry(),
      retry: { baseMs: 20, capMs: 100 },
    })
    try {
      await part.ready
      expect(await part.health()).toMatchObject({ ok: true, database: 'ready' })
      await part.client.write(`w v=1 ${Date.now()}000000`)
    } finally {
      await part.stop()
    }
  })
})
