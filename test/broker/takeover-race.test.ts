// A session takeover whose old connection finishes closing after the new one registered: aedes then
// deletes its clients-table entry by id, the new connection's included, so that table cannot say whether
// the device is still connected. The broker keeps its own newest connection per device: the old
// connection's clean DISCONNECT must not publish a retained `offline` for a device that is online.
import type mqtt from 'mqtt'
import { afterAll, expect, it } from 'vitest'
import { type Harness, startHarness } from './helpers.ts'

let h: Harness
afterAll(async () => {
  await h?.close()
})

const device = (id: string, extra: mqtt.IClientOptions = {}): mqtt.IClientOptions => ({
  clientId: id,
  username: id,
  password: `s-${id}`,
  reconnectPeriod: 0,
  ...extra,
})

// the race is forced through aedes' persistence and emitter (test-only): the new connection is held
// just before it registers and let go while the old one is inside its close
type Internals = {
  clients: Record<string, unknown>
  persistence: {
    putWill: (client: unknown, will: unknown) => Promise<void>
    createRetainedStream: (pattern: string) => AsyncIterable<{ payload: Buffer }>
  }
  mq: { removeListener: (topic: string, fn: unknown, done?: () => void) => unknown }
}

it('keeps a device online when its old connection ends cleanly while the new one registers', async () => {
  h = await startHarness()
  const id = 'race-01'
  h.directory.addDevice(id, `s-${id}`)
  const will = {
    topic: `devices/${id}/status`,
    payload: Buffer.from('offline'),
    qos: 1 as const,
    retain: true,
  }
  const x = await h.connect(device(id, { will }))
  await x.subscribeAsync(`devices/${id}/commands`, { qos: 1 })
  await x.publishAsync(`devices/${id}/status`, 'online', { qos: 1, retain: true })
  const aedes = h.broker.aedes as unknown as Internals
  const xClient = aedes.clients[id] as { closed?: boolean }
  let release: (() => void) | undefined
  const persistence = aedes.persistence
  const putWill = persistence.putWill.bind(persistence)
  persistence.putWill = (client, w) => {
    if ((client as { id: string }).id !== id || client === xClient) return putWill(client, w)
    return new Promise<void>((resolve) => {
      release = () => void putWill(client, w).then(resolve)
    })
  }
  const removeListener = aedes.mq.removeListener.bind(aedes.mq)
  aedes.mq.removeListener = (topic, fn, done) => {
    const r = removeListener(topic, fn, done)
    if (topic === `devices/${id}/commands` && xClient.closed) {
      const go = release
      release = undefined
      go?.()
    }
    return r
  }
  const yConnecting = h.connect(device(id, { will }))
  for (let i = 0; i < 2500 && !release; i++) await new Promise((r) => setTimeout(r, 2))
  expect(release).toBeDefined()
  x.end() // a clean DISCONNECT of the old connection
  const y = await yConnecting
  await y.publishAsync(`devices/${id}/telemetry`, '{"seq":1}', { qos: 1 })
  const spooled = (await h.drain())
    .filter((e) => e.topic.startsWith(`devices/${id}/`))
    .map((e) => `${e.topic} ${e.payload}`)
  const retained: string[] = []
  for await (const r of persistence.createRetainedStream(`devices/${id}/status`))
    retained.push(String(r.payload))
  expect(spooled.some((line) => line.includes('offline'))).toBe(false)
  expect(retained).toEqual(['online'])
  expect(y.connected).toBe(true)
  // and commands still reach it: the broker knows it is connected
  expect(h.broker.isConnected(id)).toBe(true)
  y.end(true)
})
