import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CourtyardError } from '../../domain/errors.ts'
import {
  createInfluxClient,
  durationMs,
  freePort,
  type InfluxClient,
  InfluxWriteError,
  parseRetryAfter,
  quoteIdent,
} from '../../influx/index.ts'

const db = `client_${process.pid}_${Date.now()}`
let client: InfluxClient

beforeAll(async () => {
  client = createInfluxClient({ url: inject('influxUrl'), db })
  await client.ensureDatabase()
})

afterAll(async () => {
  await client.query(`DROP DATABASE ${quoteIdent(db)}`).catch(() => {})
  await client.close()
})

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

describe('createInfluxClient against a real InfluxDB', () => {
  it('answers ping with true', async () => {
    expect(await client.ping()).toBe(true)
  })

  it('writes line protocol at ns precision and reads it back with ms epochs', async () => {
    await client.write('w1,device=d1 powerW=12.5,seq=3i 1700000000123000007')
    const series = await client.query('SELECT powerW, seq FROM w1')
    expect(series).toEqual([
      { name: 'w1', columns: ['time', 'powerW', 'seq'], values: [[1700000000123, 12.5, 3]] },
    ])
  })

  it('binds query parameters so an injection attempt is only a value', async () => {
    await client.write('w2,device=d2 v=1 1700000000000000000')
    const evil = `d2' ; DROP DATABASE "${db}" ; '`
    const none = await client.query('SELECT v FROM w2 WHERE device = $d', { d: evil })
    expect(none).toEqual([])
    const one = await client.query('SELECT v FROM w2 WHERE device = $d', { d: 'd2' })
    expect(one[0]?.values).toEqual([[1700000000000, 1]])
    const dbs = await client.query('SHOW DATABASES')
    expect(dbs[0]?.values.flat()).toContain(db)
  })

  it('matches a bound value that is InfluxQL text only against the same text, as a value', async () => {
    const hostile = `d5' OR device =~ /.*/ OR device = '`
    await client.write(
      [
        'w5,device=d5 v=1 1700000000000000000',
        `w5,device=${hostile.replace(/[ ,=]/g, '\\$&')} v=2 1700000000001000000`,
      ].join('\n'),
    )
    const evil = await client.query('SELECT v FROM w5 WHERE device = $d', { d: hostile })
    expect(evil[0]?.values).toEqual([[1700000000001, 2]])
    const quoted = await client.query('SELECT v FROM w5 WHERE device = $d', { d: `d5" OR "1" = "1` })
    expect(quoted).toEqual([])
    expect((await client.query('SELECT count(v) FROM w5'))[0]?.values[0]?.[1]).toBe(2)
  })

  it('binds numbers and booleans as well as strings', async () => {
    await client.write('w6 n=5,ok=true 1700000000000000000\nw6 n=7,ok=false 1700000000001000000')
    const byNumber = await client.query('SELECT n FROM w6 WHERE n > $min', { min: 6 })
    expect(byNumber[0]?.values).toEqual([[1700000000001, 7]])
    const byBool = await client.query('SELECT n FROM w6 WHERE ok = $ok', { ok: true })
    expect(byBool[0]?.values).toEqual([[1700000000000, 5]])
  })

  it('throws a CourtyardError carrying the server message for a bad query', async () => {
    const err = await rejection(client.query('SELECT FROM nowhere'))
    expect(err).toBeInstanceOf(CourtyardError)
    expect((err as CourtyardError).code).toBe('INFLUX_QUERY_FAILED')
    expect((err as Error).message).toMatch(/error parsing query/)
  })

  it('rejects a bad batch as a partial write that still stored the good lines', async () => {
    const err = await rejection(
      client.write(
        ['w3 v=1 1700000000000000000', 'w3 v=oops 1700000000001000000', 'w3 v=3 1700000000002000000'].join(
          '\n',
        ),
      ),
    )
    expect(err).toBeInstanceOf(InfluxWriteError)
    const e = err as InfluxWriteError
    expect(e.status).toBe(400)
    expect(e.partial).toBe(true)
    expect(e.body).toMatch(/unable to parse/)
    const rows = await client.query('SELECT v FROM w3')
    expect(rows[0]?.values).toEqual([
      [1700000000000, 1],
      [1700000000002, 3],
    ])
  })

  it('rejects a field type conflict with status 400', async () => {
    await client.write('w4 v=1 1700000000000000000')
    const err = (await rejection(client.write('w4 v="text" 1700000000001000000'))) as InfluxWriteError
    expect(err.status).toBe(400)
    expect(err.body).toMatch(/field type conflict/)
  })

  it('reports a refused connection as status 0', async () => {
    const port = await freePort()
    const dead = createInfluxClient({ url: `http://127.0.0.1:${port}`, db, timeoutMs: 2000 })
    try {
      const err = (await rejection(dead.write('x v=1'))) as InfluxWriteError
      expect(err).toBeInstanceOf(InfluxWriteError)
      expect(err.status).toBe(0)
      expect(await dead.ping()).toBe(false)
      const qerr = (await rejection(dead.query('SHOW DATABASES'))) as CourtyardError
      expect(qerr.code).toBe('INFLUX_UNAVAILABLE')
    } finally {
      await dead.close()
    }
  })

  it('gives up on a query whose answer stalls half-way, as INFLUX_UNAVAILABLE', async () => {
    // a proxy that passes InfluxDB's answer on but holds back its last bytes, like a link that died
    const upstream = new URL(inject('influxUrl'))
    const proxy = createServer((req, res) => {
      const up = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        async (answer) => {
          const chunks: Buffer[] = []
          for await (const c of answer) chunks.push(c as Buffer)
          const body = Buffer.concat(chunks)
          res.writeHead(answer.statusCode ?? 502, {
            'content-type': 'application/json',
            'content-length': body.length,
          })
          res.write(body.subarray(0, body.length - 2))
        },
      )
      req.pipe(up)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    const port = (proxy.address() as AddressInfo).port
    const slow = createInfluxClient({ url: `http://127.0.0.1:${port}`, db, timeoutMs: 500 })
    try {
      const err = (await rejection(slow.query('SHOW MEASUREMENTS'))) as CourtyardError
      expect(err).toBeInstanceOf(CourtyardError)
      expect(err.code).toBe('INFLUX_UNAVAILABLE')
    } finally {
      await slow.close()
      proxy.closeAllConnections()
      await new Promise<void>((r) => proxy.close(() => r()))
    }
  })

  it('answers 5xx from InfluxDB (or a proxy in front of it) as INFLUX_UNAVAILABLE', async () => {
    const proxy = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}')
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    const port = (proxy.address() as AddressInfo).port
    const busy = createInfluxClient({ url: `http://127.0.0.1:${port}`, db })
    try {
      const err = (await rejection(busy.query('SHOW MEASUREMENTS'))) as CourtyardError
      expect(err.code).toBe('INFLUX_UNAVAILABLE')
      // and again at once: the client does not ban the host for a while after a failure
      const again = (await rejection(busy.query('SHOW MEASUREMENTS'))) as CourtyardError
      expect(again.message).not.toMatch(/No host available/)
      const werr = (await rejection(busy.write('x v=1'))) as InfluxWriteError
      expect(werr.status).toBe(503)
    } finally {
      await busy.close()
      await new Promise<void>((r) => proxy.close(() => r()))
    }
  })

  it('creates the database idempotently and sets the retention of its default policy in place', async () => {
    await client.write('rp1 v=1')
    await client.ensureDatabase({ retention: '30d' })
    await client.ensureDatabase({ retention: '30d' })
    await client.ensureDatabase({ retention: '1d' })
    const rps = await client.query(`SHOW RETENTION POLICIES ON ${quoteIdent(db)}`)
    expect(rps[0]?.values).toHaveLength(1)
    const [name, duration, shard, , isDefault] = rps[0]!.values[0]!
    expect([name, duration, shard, isDefault]).toEqual(['autogen', '24h0m0s', '1h0m0s', true])
    // a point written before retention was configured is still found without naming a policy
    expect((await client.query('SELECT count(v) FROM rp1'))[0]?.values[0]?.[1]).toBe(1)
    await client.ensureDatabase({ retention: 'INF' })
  })

  it('creates a default retention policy when the database has none, with the shard duration for it', async () => {
    const bare = `${db}_norp`
    const c = createInfluxClient({ url: inject('influxUrl'), db: bare })
    try {
      await c.ensureDatabase()
      await c.query(`DROP RETENTION POLICY "autogen" ON ${quoteIdent(bare)}`)
      const none = await c.query(`SHOW RETENTION POLICIES ON ${quoteIdent(bare)}`)
      expect(none[0]?.values ?? []).toEqual([])
      await c.ensureDatabase({ retention: '30d' })
      const [rp] = await c.query(`SHOW RETENTION POLICIES ON ${quoteIdent(bare)}`)
      const [name, duration, shard, replicas, isDefault] = rp!.values[0]!
      expect([name, duration, shard, replicas, isDefault]).toEqual([
        'autogen',
        '720h0m0s',
        '24h0m0s',
        1,
        true,
      ])
      await c.write('after v=1')
      expect((await c.query('SELECT count(v) FROM after'))[0]?.values[0]?.[1]).toBe(1)
    } finally {
      await c.query(`DROP DATABASE ${quoteIdent(bare)}`).catch(() => {})
      await c.close()
    }
  })

  it('lengthens a short retention and its shard duration together', async () => {
    await client.ensureDatabase({ retention: '1d' })
    await client.ensureDatabase({ retention: '400d' })
    const [rp] = await client.query(`SHOW RETENTION POLICIES ON ${quoteIdent(db)}`)
    const [name, duration, shard, , isDefault] = rp!.values[0]!
    expect([name, duration, shard, isDefault]).toEqual(['autogen', '9600h0m0s', '168h0m0s', true])
    await client.ensureDatabase({ retention: 'INF' })
  })

  it('refuses a retention that is not a duration instead of quoting it into InfluxQL', async () => {
    const err = (await rejection(
      client.ensureDatabase({ retention: '1d; DROP DATABASE x' }),
    )) as CourtyardError
    expect(err.code).toBe('CONFIG_INVALID')
  })
})

describe('durationMs', () => {
  it.each([
    ['30d', 30 * 86_400_000],
    ['1h30m', 5_400_000],
    ['INF', Number.POSITIVE_INFINITY],
    ['1d; DROP', undefined],
    ['', undefined],
    ['30', undefined],
  ])('reads %j as %d ms', (d, ms) => {
    expect(durationMs(d)).toBe(ms)
  })
})

describe('parseRetryAfter', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['3', 3000],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 10_000],
    ['garbage', undefined],
  ])('reads %j as %j ms', (value, expected) => {
    expect(parseRetryAfter(value, 0)).toBe(expected)
  })
})
