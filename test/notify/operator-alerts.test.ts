// Operator alerts against a real HTTP receiver: a change fires and resolves once, deliveries go out in
// order, a failed one is retried with the same delivery id before anything newer, and robots get text.
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createOperatorAlerts, type OperatorAlerts } from '../../notify/index.ts'
import { until } from '../support/poll.ts'
import { type Receiver, startReceiver } from './notify-support.ts'

const log = pino({ level: 'silent' })
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function receiver(): Promise<Receiver> {
  const rx = await startReceiver()
  cleanups.push(rx.close)
  return rx
}

function alerts(url: string, format: 'json' | 'wecom' = 'json'): OperatorAlerts {
  const a = createOperatorAlerts({ webhook: { url, format }, node: 'node-1', log, retryMs: 20 })
  cleanups.push(() => a.stop())
  return a
}

describe('operator alerts', () => {
  it('fires a new problem once, resolves it once, and retries a failed delivery before the next', async () => {
    const rx = await receiver()
    rx.answer(503, 503)
    const a = alerts(rx.url)
    const full = { key: 'spool.full', summary: 'spool full' }
    a.update([full])
    a.update([full]) // still there: nothing new
    expect(a.firing()).toEqual(['spool.full'])
    a.update([])
    expect(a.firing()).toEqual([])
    await until(() => rx.received.length === 4)
    // the two 503s were the firing, tried again with the same delivery id, then the resolved
    expect(rx.received.map((r) => `${r.body.state} ${r.body.key}`)).toEqual([
      'firing spool.full',
      'firing spool.full',
      'firing spool.full',
      'resolved spool.full',
    ])
    const ids = rx.received.map((r) => r.headers['x-courtyard-delivery'])
    expect(new Set(ids.slice(0, 3)).size).toBe(1)
    expect(ids[3]).not.toBe(ids[2])
    expect(rx.received[0]!.body).toMatchObject({
      kind: 'operator_alert',
      node: 'node-1',
      summary: 'spool full',
    })
  })

  it('speaks a group robot’s format', async () => {
    const rx = await receiver()
    const a = alerts(rx.url, 'wecom')
    a.update([{ key: 'influx', summary: 'influx not ready' }])
    await until(() => rx.received.length === 1)
    expect(rx.received[0]!.body).toEqual({
      msgtype: 'text',
      text: { content: expect.stringContaining('FIRING: influx\ninflux not ready') },
    })
  })
})
