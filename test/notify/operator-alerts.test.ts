// Operator alerts against a real HTTP receiver: a change fires and resolves once, deliveries go out in
// order, a failed one is retried with the same delivery id before anything newer, and robots get text.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createOperatorAlerts, type OperatorAlerts } from '../../notify/index.ts'
import { until } from '../support/poll.ts'

const log = pino({ level: 'silent' })
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A receiver that answers 503 to the first `failFirst` requests. */
async function receiver(failFirst: number) {
  const got: { body: Record<string, unknown>; headers: IncomingHttpHeaders; status: number }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const status = got.length < failFirst ? 503 : 200
      got.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: req.headers, status })
      res.writeHead(status).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, got }
}

function alerts(url: string, format: 'json' | 'wecom' = 'json'): OperatorAlerts {
  const a = createOperatorAlerts({ webhook: { url, format }, node: 'node-1', log, retryMs: 20 })
  cleanups.push(() => a.stop())
  return a
}

describe('operator alerts', () => {
  it('fires a new problem once, resolves it once, and retries a failed delivery before the next', async () => {
    const r = await receiver(2)
    const a = alerts(r.url)
    const full = { key: 'spool.full', summary: 'spool full' }
    a.update([full])
    a.update([full]) // still there: nothing new
    expect(a.firing()).toEqual(['spool.full'])
    a.update([])
    expect(a.firing()).toEqual([])
    await until(() => r.got.filter((g) => g.status === 200).length === 2)
    const delivered = r.got.filter((g) => g.status === 200).map((g) => `${g.body.state} ${g.body.key}`)
    expect(delivered).toEqual(['firing spool.full', 'resolved spool.full'])
    // the two 503s were the firing, tried again with the same delivery id
    const ids = r.got.map((g) => g.headers['x-courtyard-delivery'])
    expect(ids[0]).toBe(ids[1])
    expect(ids[1]).toBe(ids[2])
    expect(ids[3]).not.toBe(ids[2])
    expect(r.got[0]!.body).toMatchObject({ kind: 'operator_alert', node: 'node-1', summary: 'spool full' })
  })

  it('speaks a group robot’s format', async () => {
    const r = await receiver(0)
    const a = alerts(r.url, 'wecom')
    a.update([{ key: 'influx', summary: 'influx not ready' }])
    await until(() => r.got.length === 1)
    expect(r.got[0]!.body).toEqual({
      msgtype: 'text',
      text: { content: expect.stringContaining('FIRING: influx\ninflux not ready') },
    })
  })
})
