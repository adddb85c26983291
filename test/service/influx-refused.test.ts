// An InfluxDB with authentication on and Courtyard users short of rights: one without admin rights (CREATE
// DATABASE is refused), one who may only read (its writes are refused). The real service says so (an error
// with what to do, a metric, /readyz not ready with the reason), keeps what devices send in the spool, and
// writes it once the user is granted what it needs. And a database an administrator made for a user without
// admin rights is used as it is.
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

/** Publishes `n` circuit readings from one newly provisioned device, each acknowledged (spooled). */
async function publishReadings(svc: ServiceProcess, prefix: string, n: number): Promise<void> {
  const [device] = await provisionCircuits(svc, prefix, 1)
  const client = await connectDevice(svc.mqttUrl, device!)
  const t0 = Date.now() - 60_000
  try {
    for (let seq = 0; seq < n; seq++)
      await client.publishAsync(
        `devices/${device!.id}/telemetry`,
        JSON.stringify(circuitReading(seq, t0 + seq * 1000)),
        { qos: 1 },
      )
  } finally {
    await client.endAsync()
  }
}

/** The seqs stored in `db`, once there are `n` of them. */
const storedSeqs = (db: string, n: number) =>
  pollUntil(
    async () => {
      const rows = await root.query<{ seq: number }>(`SELECT "seq" FROM "circuit"`, { database: db })
      return rows.length === n && rows.map((r) => r.seq)
    },
    { what: `the spooled readings in ${db}` },
  )

/** /readyz's answer once `check` holds for it (the last one seen goes into the failure message). */
async function readyzOnce(svc: ServiceProcess, check: (status: number, body: ReadyBody) => boolean) {
  let last = ''
  return pollUntil(
    async () => {
      const res = await fetch(`${svc.httpUrl}/readyz`)
      last = await res.text()
      const body = JSON.parse(last) as ReadyBody
      return check(res.status, body) && body
    },
    { timeoutMs: 60_000, what: '/readyz' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last /readyz: ${last}\n${svc.output().slice(-3000)}`)
  })
}

interface ReadyBody {
  checks: Record<
    string,
    { ok: boolean; database?: string; reachable?: boolean; problems?: { summary: string }[] }
  >
}

/**
 * The influx part, as a user without admin rights on a database an administrator made and granted it
 * (one privilege per database in InfluxDB 1.x: ALL is read and write).
 */
async function partOnGivenDatabase(db: string, user: string) {
  await admin(`CREATE USER "${user}" WITH PASSWORD '${user}-pw'`)
  await admin(`CREATE DATABASE "${db}"`)
  await admin(`GRANT ALL ON "${db}" TO "${user}"`)
  return startInflux({
    config: { url: influxd.url, db, username: user, password: `${user}-pw`, retention: '30d' },
    log: pino({ level: 'silent' }),
    metrics: new Registry(),
    retry: { baseMs: 20, capMs: 100 },
  })
}

describe('an InfluxDB user without the rights Courtyard needs', () => {
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
    const refused = (
      await readyzOnce(svc, (status, body) => status === 503 && body.checks.influx?.database === 'refused')
    ).checks.influx!
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
    await publishReadings(svc, 'refused', 5)

    // the operator mends it: the next attempt creates the database, and ingest writes what was spooled
    await admin(`GRANT ALL PRIVILEGES TO "courtyard"`)
    await readyzOnce(svc, (status) => status === 200)
    expect(await storedSeqs(db, 5)).toEqual([0, 1, 2, 3, 4])
  }, 150_000)

  it('uses a database an administrator made and granted it, without asking to create it', async () => {
    const part = await partOnGivenDatabase('given_db', 'writer')
    try {
      await part.ready
      expect(await part.health()).toMatchObject({ ok: true, database: 'ready' })
      await part.client.write(`w v=1 ${Date.now()}000000`)
    } finally {
      await part.stop()
    }
  })

  it('is ready again by itself once a database dropped at run time is made again by an administrator', async () => {
    const part = await partOnGivenDatabase('late_db', 'late')
    try {
      await part.ready
      // dropped under the running node: ingest's next write finds it missing and asks for it again,
      // which this user may not do
      await admin(`DROP DATABASE "late_db"`)
      await expect(part.ensureDatabase()).rejects.toThrow(/admin privilege/)
      expect(await part.health()).toMatchObject({ ok: false, database: 'refused' })
      // the administrator mends it as the advice says; no further write needs to come for the part to see it
      await admin(`CREATE DATABASE "late_db"`)
      await admin(`GRANT ALL ON "late_db" TO "late"`)
      await pollUntil(async () => (await part.health()).ok, { what: 'the influx part ready again' })
    } finally {
      await part.stop()
    }
  })

  it('makes the node not ready while InfluxDB refuses the writes of a user who may only read', async () => {
    await admin(`CREATE USER "reader" WITH PASSWORD 'r-pw'`)
    const db = 'read_only_db'
    await admin(`CREATE DATABASE "${db}"`)
    await admin(`GRANT READ ON "${db}" TO "reader"`)
    const svc = await createServiceProcess({
      influxUrl: influxd.url,
      db,
      extraEnv: { INFLUX_USER: 'reader', INFLUX_PASSWORD: 'r-pw' },
    })
    services.push(svc)
    await svc.start({ until: 'live' })
    await publishReadings(svc, 'reader', 3)

    const body = await readyzOnce(svc, (status, b) => status === 503 && b.checks.ingest?.ok === false)
    expect(body.checks.influx).toMatchObject({ ok: true, database: 'ready' })
    expect(body.checks.ingest?.problems?.[0]?.summary).toMatch(/refuses ingest's writes \(403/)
    expect(body.checks.ingest?.problems?.[0]?.summary).toMatch(/WRITE/)
    expect(await (await fetch(`${svc.httpUrl}/metrics`)).text()).toMatch(
      /courtyard_ingest_write_retries_total\{status="403"\} [1-9]/,
    )
    expect(svc.printed('InfluxDB refuses the writes')).toBe(true)

    await admin(`GRANT ALL ON "${db}" TO "reader"`)
    await readyzOnce(svc, (status) => status === 200)
    expect(await storedSeqs(db, 3)).toEqual([0, 1, 2])
  }, 150_000)
})
