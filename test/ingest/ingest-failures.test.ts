import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { request } from 'undici'
import { describe, expect, inject, it } from 'vitest'
import { createInfluxClient, freePort, type InfluxClient } from '../../influx/index.ts'
import { startIngest } from '../../ingest/index.ts'
import { cleanups, config, count, newDb, newSpool, start } from './harness.ts'
import { append, circuitReading, device, memoryDirectory, silentLog, until } from './helpers.ts'

describe('startIngest when InfluxDB fails', () => {
  it('loses nothing while InfluxDB refuses connections, and only commits once stored', async () => {
    const live = await newDb('outage')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('circ-3', 'circuit-monitor')])
    const dead = createInfluxClient({ url: `http://127.0.0.1:${await freePort()}`, db: 'x', timeoutMs: 1000 })
    cleanups.push(() => dead.close())
    let target: InfluxClient = dead
    const switching = {
      write: (lines: string | Uint8Array, o?: { precision?: 'ns' | 'ms' }) => target.write(lines, o),
    }
    const startPos = reader.checkpoint()
    const registry = new Registry()
    const ingest = start({
      spool: reader,
      directory,
      influx: switching,
      log: silentLog,
      metrics: registry,
      config: config(dir, { maxBatch: 50 }),
    })
    const backlogGauge = async () =>
      Number(/^courtyard_ingest_spool_backlog_bytes (\d+)$/m.exec(await registry.metrics())?.[1])
    const t0 = Date.now() - 60_000
    for (let i = 0; i < 300; i++)
      await append(writer, 'devices/circ-3/telemetry', circuitReading(t0 + i, i, i))
    await until(() => ingest.stats().writeRetries >= 3)
    expect(reader.checkpoint()).toEqual(startPos)
    expect(ingest.stats().committed).toBeUndefined()
    // backpressure: with InfluxDB down ingest stops reading instead of buffering the whole spool
    expect(ingest.stats().bufferedLines).toBeLessThanOrEqual(2 * 50)
    // the gauge is read when scraped: what waits in the spool now
    expect(await backlogGauge()).toBe(reader.backlogBytes())
    expect(await backlogGauge()).toBeGreaterThan(0)

    target = live
    await until(() => reader.backlogBytes() === 0)
    expect(await backlogGauge()).toBe(0)
    expect(await count(live, 'SELECT count(powerW) FROM circuit')).toBe(300)
    expect(ingest.stats().deadLettered).toBe(0)
  })

  it('leaves unstored records in the spool when stopped during an outage, and a restart stores them', async () => {
    const live = await newDb('restart')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('circ-4', 'circuit-monitor')])
    const dead = createInfluxClient({ url: `http://127.0.0.1:${await freePort()}`, db: 'x', timeoutMs: 1000 })
    cleanups.push(() => dead.close())
    const first = startIngest({
      spool: reader,
      directory,
      influx: dead,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir, { drainTimeoutMs: 300 }),
    })
    const startPos = reader.checkpoint()
    const t0 = Date.now() - 60_000
    for (let i = 0; i < 100; i++)
      await append(writer, 'devices/circ-4/telemetry', circuitReading(t0 + i, i, i))
    await until(() => first.stats().writeRetries >= 1)
    await first.stop()
    expect(reader.checkpoint()).toEqual(startPos)

    const { openSpoolReader } = await import('../../spool/index.ts')
    const reader2 = await openSpoolReader({ dir: join(dir, 'spool'), log: silentLog })
    cleanups.push(() => reader2.close())
    start({
      spool: reader2,
      directory,
      influx: live,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir),
    })
    await until(() => reader2.backlogBytes() === 0)
    expect(await count(live, 'SELECT count(powerW) FROM circuit')).toBe(100)
  })

  it('splits a batch in halves when the server answers 413 until every line is stored', async () => {
    const influx = await newDb('split')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('circ-5', 'circuit-monitor')])
    // a reverse proxy with a body limit, like nginx's client_max_body_size in front of InfluxDB
    const limit = 4096
    let refused = 0
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', async () => {
        const body = Buffer.concat(chunks)
        if (body.length > limit) {
          refused++
          res.writeHead(413).end('{"error":"Request Entity Too Large"}')
          return
        }
        const up = await request(`${inject('influxUrl')}${req.url}`, {
          method: 'POST',
          body,
          headers: req.headers,
        })
        res.writeHead(up.statusCode).end(Buffer.from(await up.body.arrayBuffer()))
      })
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    cleanups.push(() => new Promise<void>((r) => proxy.close(() => r())))
    const port = (proxy.address() as { port: number }).port
    const db = (await influx.query('SHOW DATABASES'))[0]!.values
      .flat()
      .find((d) => String(d).startsWith('ingest_split'))
    const viaProxy = createInfluxClient({ url: `http://127.0.0.1:${port}`, db: String(db) })
    cleanups.push(() => viaProxy.close())
    const ingest = start({
      spool: reader,
      directory,
      influx: viaProxy,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir),
    })
    const t0 = Date.now() - 60_000
    for (let i = 0; i < 200; i++)
      await append(writer, 'devices/circ-5/telemetry', circuitReading(t0 + i, i, i))
    await until(() => reader.backlogBytes() === 0)
    expect(refused).toBeGreaterThan(0)
    expect(await count(influx, 'SELECT count(powerW) FROM circuit')).toBe(200)
    expect(ingest.stats().deadLettered).toBe(0)
  })

  it('dead-letters the line a partial write refused and keeps the stream going', async () => {
    const influx = await newDb('partial')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('circ-6', 'circuit-monitor')])
    const t0 = Date.now() - 60_000
    // an older writer stored currentThdPct as a string in this shard: the same field as a float conflicts
    await influx.write(`circuit,device=legacy currentThdPct="n/a" ${t0 - 1000}000000`)
    const ingest = start({
      spool: reader,
      directory,
      influx,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir),
    })
    for (let i = 0; i < 40; i++) {
      const extra = i === 17 ? { currentThdPct: 78 } : {}
      await append(writer, 'devices/circ-6/telemetry', circuitReading(t0 + i, i, i, extra))
    }
    await until(() => reader.backlogBytes() === 0)
    expect(await count(influx, `SELECT count(powerW) FROM circuit WHERE device = 'circ-6'`)).toBe(39)
    const dead = readFileSync(config(dir).deadLetterPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(dead).toHaveLength(1)
    expect(dead[0]).toMatchObject({ reason: 'partial_write', status: 400 })
    expect(dead[0].line).toContain('currentThdPct=78')
    expect(dead[0].line).toContain(`${t0 + 17}000017`)
    expect(ingest.stats().deadLettered).toBe(1)
    // the stream went on after the bad line
    await append(writer, 'devices/circ-6/telemetry', circuitReading(t0 + 100, 100, 5))
    await until(
      async () => (await count(influx, `SELECT count(powerW) FROM circuit WHERE device = 'circ-6'`)) === 40,
    )
  })

  it('creates the database again when it was dropped at run time, and stores what came meanwhile', async () => {
    const influx = await newDb('dropped')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('circ-7', 'circuit-monitor')])
    let recreated = 0
    start({
      spool: reader,
      directory,
      influx,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir, { retry: { baseMs: 10, capMs: 50 } }),
      recreateDatabase: async () => {
        recreated++
        await influx.ensureDatabase()
      },
    })
    const t0 = Date.now() - 60_000
    for (let i = 0; i < 10; i++)
      await append(writer, 'devices/circ-7/telemetry', circuitReading(t0 + i, i, i))
    await until(() => reader.backlogBytes() === 0)
    const [db] = (await influx.query('SHOW DATABASES'))[0]!.values
      .flat()
      .filter((d) => String(d).startsWith('ingest_dropped'))
    await influx.query(`DROP DATABASE "${String(db)}"`)
    for (let i = 10; i < 30; i++)
      await append(writer, 'devices/circ-7/telemetry', circuitReading(t0 + i, i, i))
    await until(() => reader.backlogBytes() === 0)
    expect(recreated).toBeGreaterThan(0)
    expect(await count(influx, 'SELECT count(powerW) FROM circuit')).toBe(20)
  })
})
