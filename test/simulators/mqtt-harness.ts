// A bare aedes broker on 127.0.0.1:0 (permissive authentication: the real broker/ has its own tests),
// a recording subscriber, and a TCP proxy that delays PUBACKs and counts what is unacknowledged.
import net, { type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { parser as mqttParser } from 'mqtt-packet'
import { parseDeviceTopic } from '../../domain/topics.ts'
import { until } from '../support/poll.ts'

export interface Received {
  deviceId: string
  channel: string
  payload: string
  receivedAt: number
  retain: boolean
}

export interface BrokerHarness {
  url: string
  port: number
  broker: Aedes
  close(): Promise<void>
}

export async function startBroker(): Promise<BrokerHarness> {
  // concurrency 0: see measurements.md
  const broker = await Aedes.createBroker({ concurrency: 0 })
  const server = net.createServer((s) => {
    s.setNoDelay(true)
    broker.handle(s)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    broker,
    close: async () => {
      await new Promise<void>((r) => broker.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

export interface Recorder {
  messages: Received[]
  of(deviceId: string, channel?: string): Received[]
  close(): Promise<void>
}

export async function startRecorder(url: string): Promise<Recorder> {
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: 'recorder', reconnectPeriod: 0 })
  const messages: Received[] = []
  client.on('message', (topic, payload, packet) => {
    const t = parseDeviceTopic(topic)
    if (!t) return
    messages.push({
      deviceId: t.deviceId,
      channel: t.channel,
      payload: payload.toString('utf8'),
      receivedAt: Date.now(),
      retain: packet.retain,
    })
  })
  await client.subscribeAsync('devices/#', { qos: 1 })
  return {
    messages,
    of: (id, channel) =>
      messages.filter((m) => m.deviceId === id && (channel === undefined || m.channel === channel)),
    close: () => client.endAsync(),
  }
}

export const pollUntil = (cond: () => boolean, timeoutMs: number, what: string): Promise<void> =>
  until(cond, { timeoutMs, intervalMs: 20, what })

export interface AckDelayProxy {
  url: string
  /** the most telemetry/event publishes seen without their PUBACK, on one connection and on all */
  maxPerConnection: number
  maxTotal: number
  close(): Promise<void>
}

/** Forwards to `port`, holding every broker→device chunk for `delayMs` so acknowledgements lag. */
export async function startAckDelayProxy(port: number, delayMs: number): Promise<AckDelayProxy> {
  let total = 0
  const sockets = new Set<net.Socket>()
  const result: AckDelayProxy = { url: '', maxPerConnection: 0, maxTotal: 0, close: async () => {} }
  const server = net.createServer((down) => {
    const up = net.connect(port, '127.0.0.1')
    sockets.add(down).add(up)
    const pending = new Set<number>()
    const fromDevice = mqttParser()
    fromDevice.on('packet', (p) => {
      if (
        p.cmd === 'publish' &&
        p.qos === 1 &&
        /\/(telemetry|events)$/.test(p.topic) &&
        p.messageId !== undefined
      ) {
        pending.add(p.messageId)
        total++
        result.maxPerConnection = Math.max(result.maxPerConnection, pending.size)
        result.maxTotal = Math.max(result.maxTotal, total)
      }
    })
    const toDevice = mqttParser()
    toDevice.on('packet', (p) => {
      if (p.cmd === 'puback' && p.messageId !== undefined && pending.delete(p.messageId)) total--
    })
    down.on('data', (chunk) => {
      fromDevice.parse(chunk)
      up.write(chunk)
    })
    up.on('data', (chunk) => {
      setTimeout(() => {
        if (down.destroyed) return
        // counted when the device can see it, not when the broker sent it
        toDevice.parse(chunk)
        down.write(chunk)
      }, delayMs)
    })
    const closeBoth = () => {
      total -= pending.size
      pending.clear()
      down.destroy()
      up.destroy()
    }
    down.on('close', closeBoth).on('error', closeBoth)
    up.on('close', closeBoth).on('error', closeBoth)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  result.url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
  result.close = async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  }
  return result
}

export interface CutProxy {
  url: string
  /** stops forwarding either way, connections left open: a broker that hangs */
  freeze(): void
  /** drops every connection and refuses new ones until `restore`: a broker that went away */
  cut(): void
  restore(): void
  close(): Promise<void>
}

/** Forwards to `port`; the broker behind it can be made to hang or go away and come back. */
export async function startCutProxy(port: number): Promise<CutProxy> {
  const sockets = new Set<net.Socket>()
  let frozen = false
  let down = false
  const server = net.createServer((device) => {
    if (down) {
      device.destroy()
      return
    }
    const broker = net.connect(port, '127.0.0.1')
    sockets.add(device).add(broker)
    device.on('data', (chunk) => {
      if (!frozen) broker.write(chunk)
    })
    broker.on('data', (chunk) => {
      if (!frozen) device.write(chunk)
    })
    const closeBoth = () => {
      sockets.delete(device)
      sockets.delete(broker)
      device.destroy()
      broker.destroy()
    }
    device.on('close', closeBoth).on('error', closeBoth)
    broker.on('close', closeBoth).on('error', closeBoth)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    freeze: () => {
      frozen = true
    },
    cut: () => {
      down = true
      for (const s of sockets) s.destroy()
    },
    restore: () => {
      down = false
      frozen = false
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
