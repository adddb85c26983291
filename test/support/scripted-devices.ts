// Real mqtt.js devices that each publish a fixed list of messages, in order, QoS 1, as fast as the broker
// acknowledges them (at most `window` unacknowledged per device). Survives broker restarts: mqtt.js
// resends what was not acknowledged when it reconnects, before anything newer.
import type { MqttClient } from 'mqtt'
import { connectDevice } from './device-publisher.ts'

export interface ScriptedDevice {
  id: string
  secret: string
  /** `topic` under `devices/{id}/`; payloads are sent as JSON */
  messages: { topic: string; body: unknown }[]
}

export interface ScriptedFleet {
  total: number
  ackedCount(): number
  /** how many of one device's messages were acknowledged */
  ackedOf(deviceId: string): number
  /** every message of every device acknowledged */
  done(): boolean
  /** per device, the indexes of messages published but not (yet) acknowledged */
  unacked(): Map<string, number[]>
  /** publish errors reported by mqtt.js (a message that failed is not retried) */
  errors: Error[]
  run(): void
  /** one more message from a device, outside its list; resolves on its PUBACK */
  send(deviceId: string, topic: string, body: unknown): Promise<void>
  close(): Promise<void>
}

export async function startScriptedDevices(opts: {
  url: string
  devices: ScriptedDevice[]
  window?: number
  /** keep the devices in step: none publishes its message i before every device had i − lockstep acknowledged */
  lockstep?: number
}): Promise<ScriptedFleet> {
  const window = opts.window ?? 20
  const lockstep = opts.lockstep ?? Number.POSITIVE_INFINITY
  const errors: Error[] = []
  let running = false
  let acked = 0
  const devices: {
    d: ScriptedDevice
    client: MqttClient
    next: number
    inflight: Set<number>
    acked: number
  }[] = []
  for (const d of opts.devices) {
    const client = await connectDevice(opts.url, d, { reconnectPeriod: 100 })
    devices.push({ d, client, next: 0, inflight: new Set(), acked: 0 })
  }
  const slowest = () => devices.reduce((n, x) => Math.min(n, x.acked), Number.POSITIVE_INFINITY)
  const pump = (x: (typeof devices)[number]) => {
    const limit = Math.min(x.d.messages.length, slowest() + lockstep)
    while (running && x.inflight.size < window && x.next < limit) {
      const i = x.next++
      const m = x.d.messages[i]!
      x.inflight.add(i)
      x.client.publish(`devices/${x.d.id}/${m.topic}`, JSON.stringify(m.body), { qos: 1 }, (err) => {
        if (err) errors.push(err)
        else {
          x.inflight.delete(i)
          x.acked++
          acked++
        }
        // an ack of the slowest device may let the others on
        setImmediate(() => {
          for (const y of devices) pump(y)
        })
      })
    }
  }
  const total = opts.devices.reduce((n, d) => n + d.messages.length, 0)
  return {
    total,
    ackedCount: () => acked,
    ackedOf: (id) => devices.find((x) => x.d.id === id)?.acked ?? 0,
    done: () => acked === total,
    unacked: () => new Map(devices.map((x) => [x.d.id, [...x.inflight]])),
    errors,
    run() {
      running = true
      for (const x of devices) pump(x)
    },
    async send(deviceId, topic, body) {
      const x = devices.find((y) => y.d.id === deviceId)
      if (!x) throw new Error(`unknown device ${deviceId}`)
      await x.client.publishAsync(`devices/${deviceId}/${topic}`, JSON.stringify(body), { qos: 1 })
    },
    async close() {
      running = false
      await Promise.all(devices.map((x) => x.client.endAsync(true).catch(() => undefined)))
    },
  }
}
