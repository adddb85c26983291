// Credentials through the client: a real influxd with authentication on, and a header-recording proxy in
// front of the shared influxd for the 2.x/3.x token scheme (InfluxDB 1.6 does not know it).
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CourtyardError } from '../../domain/errors.ts'
import {
  createInfluxClient,
  findInfluxd,
  type InfluxClient,
  InfluxWriteError,
  type LocalInfluxd,
  startLocalInfluxd,
} from '../../influx/index.ts'

let dir: string
let server: LocalInfluxd
const open: InfluxClient[] = []
const client = (
  cfg: { db: string; username?: string; password?: string; token?: string },
  url = server.url,
) => {
  const c = createInfluxClient({ url, timeoutMs: 5000, ...cfg })
  open.push(c)
  return c
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'courtyard-influx-auth-'))
  const bin = findInfluxd(process.env)
  if (!bin) throw new Error('influxd not found')
  server = await startLocalInfluxd({ dir, bin, auth: true })
  // InfluxDB lets the first user, an admin, be created without credentials. It is `root`/`root`: the
  // credentials the `influx` package sends by default, so a client that leaked them would get in.
  await client({ db: 'x' }).query(`CREATE USER "root" WITH PASSWORD 'root' WITH ALL PRIVILEGES`)
  await client({ db: 'x', username: 'root', password: 'root' }).query(
    `CREATE USER "ops" WITH PASSWORD 's3cret' WITH ALL PRIVILEGES`,
  )
})

afterAll(async () => {
  for (const c of open) await c.close()
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('createInfluxClient with InfluxDB authentication on', () => {
  it('sends no credentials it was not given, so a client without them is refused', async () => {
    const anon = client({ db: 'auth_anon' })
    const qerr = (await rejection(anon.query('SHOW DATABASES'))) as CourtyardError
    expect(qerr).toBeInstanceOf(CourtyardError)
    expect(qerr.code).toBe('INFLUX_QUERY_FAILED')
    expect(qerr.message).toMatch(/credentials \(401\)/)
    const aerr = (await rejection(anon.ensureDatabase())) as CourtyardError
    expect(aerr.code).toBe('INFLUX_QUERY_FAILED')
    const werr = (await rejection(anon.write('x v=1'))) as InfluxWriteError
    expect(werr).toBeInstanceOf(InfluxWriteError)
    expect(werr.status).toBe(401)
  })

  it('refuses a wrong password as a refused query, not as InfluxDB being down', async () => {
    const wrong = client({ db: 'auth_wrong', username: 'ops', password: 'nope' })
    const err = (await rejection(wrong.query('SHOW DATABASES'))) as CourtyardError
    expect(err.code).toBe('INFLUX_QUERY_FAILED')
    expect(err.message).toMatch(/credentials \(401\)/)
  })

  it('with a username and password pings, creates the database and its retention, writes and queries', async () => {
    const ops = client({ db: 'auth_ops', username: 'ops', password: 's3cret' })
    expect(await ops.ping()).toBe(true)
    await ops.ensureDatabase({ retention: '30d' })
    // inside the 30 days kept
    const at = Date.now() - 60_000
    await ops.write(`w,device=d1 v=1 ${at}000000`)
    const rows = await ops.query('SELECT v FROM w WHERE device = $d', { d: 'd1' })
    expect(rows[0]?.values).toEqual([[at, 1]])
    const [rp] = await ops.query('SHOW RETENTION POLICIES ON "auth_ops"')
    expect(rp?.values[0]?.[1]).toBe('720h0m0s')
  })
})

describe('createInfluxClient with a token (InfluxDB 2.x/3.x v1 API)', () => {
  it('sends `Authorization: Token …` on queries, administration and writes, and nothing else', async () => {
    const upstream = new URL(inject('influxUrl'))
    const seen: { path: string; headers: IncomingHttpHeaders }[] = []
    const proxy = createServer((req, res) => {
      seen.push({ path: (req.url ?? '').split('?')[0]!, headers: req.headers })
      const up = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      req.pipe(up)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
      const db = `auth_token_${process.pid}`
      const c = client({ db, token: 't0k3n' }, url)
      await c.ensureDatabase()
      await c.write('w v=1 1700000000000000000')
      expect((await c.query('SELECT v FROM w'))[0]?.values).toEqual([[1700000000000, 1]])
      await c.query(`DROP DATABASE "${db}"`)
      expect(new Set(seen.map((s) => s.path))).toEqual(new Set(['/query', '/write']))
      for (const s of seen) expect(s.headers.authorization).toBe('Token t0k3n')
    } finally {
      proxy.closeAllConnections()
      await new Promise<void>((r) => proxy.close(() => r()))
    }
  })
})
