// The node's own problems reach its operators: with InfluxDB gone, ingest falls behind and the spool fills;
// the operator webhook is told "InfluxDB unreachable", "ingest far behind", then "spool full", and after
// InfluxDB is back all are resolved, in order, signed, while nothing acknowledged is lost.
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findInfluxd, freePort, startLocalInfluxd } from '../../influx/index.ts'
import { startPublisherFleet } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { createServiceProcess, pollUntil } from '../support/service-process.ts'

interface Received {
  state: 'firing' | 'resolved'
  key: string
  summary: string
  signatureOk: boolean
}

const SECRET = 'operator-webhook-test-secret'

async function startReceiver(): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const body = JSON.parse(raw) as { kind: string; state: Received['state']; key: string; summary: string }
      const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`
      if (body.kind === 'operator_alert')
        got.push({
          state: body.state,
          key: body.key,
          summary: body.summary,
          signatureOk: req.headers['x-courtyard-signature'] === expected,
        })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server }
}

describe('operator alerts', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('tells the operator webhook that ingest fell behind and the spool is full, then that all is well again', async () => {
    const receiver = await startReceiver()
    cleanups.push(() => new Promise((resolve) => receiver.server.close(() => resolve())))
    const bin = findInfluxd(process.env)!
    const dir = mkdtempSync(join(tmpdir(), 'courtyard-operator-influx-'))
    const port = await freePort()
    let influx = await startLocalInfluxd({ dir, bin, httpPort: port })
    cleanups.push(async () => {
      await influx.stop()
      rmSync(dir, { recursive: true, force: true })
    })
    const db = 'operator_alerts'
    const svc = await createServiceProcess({
      influxUrl: influx.url,
      db,
      extraEnv: {
        SPOOL_MAX_MB: '1',
        OPERATOR_WEBHOOK_URL: receiver.url,
        OPERATOR_WEBHOOK_SECRET: SECRET,
        OPERATOR_CHECK_S: '1',
      },
    })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const devices = await provisionCircuits(svc, 'op', 4)
    await influx.stop()

    const fleet = await startPublisherFleet({ url: svc.mqttUrl, devices, t0: Date.now() - 86_400_000 })
    cleanups.push(() => fleet.close())
    fleet.run()
    const keys = () => receiver.got.map((r) => `${r.state} ${r.key}`)
    await pollUntil(() => keys().includes('firing spool.full'), {
      timeoutMs: 60_000,
      what: 'the operator told the spool is full',
    })
    expect(
      // the alert engine (a niced thread) may fall that far behind in this burst too: not asserted
      keys().filter((k) => k.includes('spool') && !k.endsWith('.alerts')),
      'ingest behind is told before the spool is full',
    ).toEqual(['firing spool.consumer.ingest', 'firing spool.full'])
    expect(keys(), 'InfluxDB unreachable is a problem of its own').toContain('firing influx')
    const behind = receiver.got.find((r) => r.key === 'spool.consumer.ingest')!
    expect(behind.summary).toMatch(/"ingest" is [\d.]+ MB behind/)
    expect(receiver.got.find((r) => r.key === 'spool.full')!.summary).toContain('not acknowledging devices')
    const metrics = await (await fetch(`${svc.httpUrl}/metrics`)).text()
    expect(metrics).toMatch(/courtyard_operator_alerts_firing [1-9]/)

    influx = await startLocalInfluxd({ dir, bin, httpPort: port })
    await pollUntil(
      () => ['spool.full', 'spool.consumer.ingest', 'influx'].every((k) => keys().includes(`resolved ${k}`)),
      { timeoutMs: 90_000, what: 'all resolved once InfluxDB is back' },
    ).catch((err) => {
      throw new Error(`${String(err)}; received: ${keys().join(', ')}\n${svc.output().slice(-4000)}`)
    })
    await fleet.stop()
    expect(
      receiver.got.every((r) => r.signatureOk),
      'every delivery signed',
    ).toBe(true)
    // each key fired once and resolved once, firing first
    for (const key of ['influx', 'spool.full', 'spool.consumer.ingest'])
      expect(receiver.got.filter((r) => r.key === key).map((r) => r.state)).toEqual(['firing', 'resolved'])
    expect(svc.output()).toContain('operator alert firing')
    await expectExactlyOnce(influx.url, db, fleet.acked)
  }, 240_000)
})
