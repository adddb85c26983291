// broker/broker-persistence.ts answers "which persistent sessions want this topic" without looking while
// there are none. Real broker, real mqtt.js clients: a service session kept across a disconnect (clean =
// false) still gets what was published while it was away, the shortcut answers again once that session
// is gone, and a new persistent subscription is matched at once.
import mqtt from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, nextMessage, startHarness } from './helpers.ts'

const device = (id: string): mqtt.IClientOptions => ({ clientId: id, username: id, password: `secret-${id}` })
const persistentService = (clientId: string, clean = false): mqtt.IClientOptions => ({
  clientId,
  username: 'svc:api',
  password: 'api-secret',
  clean,
})

/** what the broker's persistence answers for a topic (the question aedes asks on every QoS 1/2 publish) */
async function offlineSubscribers(h: Harness, topic: string): Promise<string[]> {
  const { persistence } = h.broker.aedes as unknown as {
    persistence: { subscriptionsByTopic(topic: string): Promise<Array<{ clientId: string }>> }
  }
  return (await persistence.subscriptionsByTopic(topic)).map((s) => s.clientId)
}

describe('offline subscriptions of persistent sessions', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness()
    h.directory.addDevice('pile-off-1', 'secret-pile-off-1')
  })
  afterEach(async () => {
    await h.close()
  })

  it('queues a QoS 1 message for a persistent session that is away, and delivers it on its return', async () => {
    expect(await offlineSubscribers(h, 'devices/pile-off-1/telemetry')).toEqual([])
    const away = await h.connect(persistentService('svc:api-keeper'))
    await away.subscribeAsync('devices/+/telemetry', { qos: 1 })
    expect(await offlineSubscribers(h, 'devices/pile-off-1/telemetry')).toEqual(['svc:api-keeper'])
    await away.endAsync()

    const d = await h.connect(device('pile-off-1'))
    const payload = JSON.stringify({ ts: Date.now(), seq: 1, kind: 'charging-pile' })
    await d.publishAsync('devices/pile-off-1/telemetry', payload, { qos: 1 })

    // listening before the CONNACK: the queued message follows it at once
    const back = mqtt.connect(h.url, { ...persistentService('svc:api-keeper'), reconnectPeriod: 0 })
    h.clients.push(back)
    const got = nextMessage(back, 'devices/pile-off-1/telemetry')
    expect((await got).payload).toBe(payload)
  })

  it('answers with nobody again once the last persistent subscription is gone', async () => {
    const s = await h.connect(persistentService('svc:api-leaving'))
    await s.subscribeAsync('devices/+/events', { qos: 1 })
    await s.subscribeAsync('devices/+/status', { qos: 1 })
    expect(await offlineSubscribers(h, 'devices/pile-off-1/events')).toEqual(['svc:api-leaving'])
    await s.unsubscribeAsync('devices/+/events')
    expect(await offlineSubscribers(h, 'devices/pile-off-1/events')).toEqual([])
    // one of two removed: the other is still matched
    expect(await offlineSubscribers(h, 'devices/pile-off-1/status')).toEqual(['svc:api-leaving'])

    // a clean session of the same client id drops whatever the old session had
    await s.endAsync()
    const clean = await h.connect(persistentService('svc:api-leaving', true))
    await clean.endAsync()
    expect(await offlineSubscribers(h, 'devices/pile-off-1/status')).toEqual([])

    // and the next persistent subscription is matched at once, right after its SUBACK
    const again = await h.connect(persistentService('svc:api-again'))
    await again.subscribeAsync('devices/+/status', { qos: 1 })
    expect(await offlineSubscribers(h, 'devices/pile-off-1/status')).toEqual(['svc:api-again'])
  })
})
