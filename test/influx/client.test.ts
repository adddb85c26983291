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
