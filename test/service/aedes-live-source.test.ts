// The live feed's in-process subscription on a real aedes broker, with a real mqtt.js device publishing:
// it sees what a subscriber would, stops when unsubscribed, and a failing handler does not hold up the
// device's message.
import { once } from 'node:events'
import { createServer } from 'node:net'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aedesLiveSource } from '../../service/aedes-live-source.ts'
import { until } from '../support/poll.ts'

let broker: Aedes
let device: MqttClient
const tcp = createServer()

beforeAll(async () => {
  broker = await Aedes.createBroker()
  tcp.on('connection', broker.handle)
  tcp.listen(0, '127.0.0.1')
  await once(tcp, 'listening')
  const addr = tcp.address()
  device = await mqtt.connectAsync(`mqtt://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, {
    clientId: 'dev-1',
    reconnectPeriod: 0,
  })
})

afterAll(async () => {
  await device?.endAsync(true)
  await new Promise<void>((r) => broker.close(() => r()))
  await new Promise<void>((r) => tcp.close(() => r()))
})

describe('aedes live source', () => {
  it('delivers the messages of subscribed topics in order, and none after unsubscribing', async () => {
    const source = aedesLiveSource(broker, pino({ level: 'silent' }))
    const got: string[] = []
    const stop = source.onMessage((topic, payload) => got.push(`${topic} ${payload.toString()}`))
    await source.subscribe(['devices/+/status', 'devices/dev-1/telemetry'], 1)
    await device.publishAsync('devices/dev-1/telemetry', '1', { qos: 1 })
    await device.publishAsync('devices/dev-1/status', 'online', { qos: 1 })
    await device.publishAsync('devices/dev-1/events', 'not subscribed', { qos: 1 })
    await device.publishAsync('devices/dev-1/telemetry', '2', { qos: 0 })
    await until(() => got.length >= 3, { what: 'three messages' })
    expect(got).toEqual([
      'devices/dev-1/telemetry 1',
      'devices/dev-1/status online',
      'devices/dev-1/telemetry 2',
    ])

    source.unsubscribe(['devices/dev-1/telemetry'])
    // QoS 1 is acknowledged after delivery to subscribers: by then the source has seen it, or never will
    await until(async () => {
      await device.publishAsync('devices/dev-1/status', 'offline', { qos: 1 })
      return got.includes('devices/dev-1/status offline')
    })
    await device.publishAsync('devices/dev-1/telemetry', '3', { qos: 1 })
    await device.publishAsync('devices/dev-1/status', 'online', { qos: 1 })
    await until(() => got.filter((g) => g === 'devices/dev-1/status online').length === 2, {
      what: 'the marker',
    })
    expect(got).not.toContain('devices/dev-1/telemetry 3')
    stop()
    await source.close(['devices/+/status'])
  })

  it('still acknowledges a device’s message when the live feed’s handler throws', async () => {
    const source = aedesLiveSource(broker, pino({ level: 'silent' }))
    let calls = 0
    source.onMessage(() => {
      calls++
      throw new Error('a bug in the live feed')
    })
    await source.subscribe(['devices/dev-1/telemetry'], 0)
    // publishAsync resolves on the PUBACK
    await device.publishAsync('devices/dev-1/telemetry', 'x', { qos: 1 })
    await device.publishAsync('devices/dev-1/telemetry', 'y', { qos: 1 })
    expect(calls).toBe(2)
    await source.close(['devices/dev-1/telemetry'])
  })
})
