// The live feed's messages straight from the broker in this process (api/live-source.ts): an in-process
// subscription on aedes' emitter sees every accepted publish as the MQTT subscriber did, without the
// packet being written, sent over loopback and parsed again for it.
import type { Aedes } from 'aedes'
import type { Logger } from 'pino'
import type { LiveSource } from '../api/index.ts'

type Deliver = Parameters<Aedes['subscribe']>[1]

export function aedesLiveSource(aedes: Aedes, log: Logger): LiveSource {
  const handlers = new Set<(topic: string, payload: Buffer) => void>()
  const deliver: Deliver = (packet, done) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
    try {
      for (const h of handlers) h(packet.topic, payload)
    } catch (err) {
      // this runs inside the broker's publish: a live-feed bug must not hold up the device's message
      log.error({ err, topic: packet.topic }, 'live feed message failed')
    }
    done()
  }
  const on = (topic: string) => new Promise<void>((resolve) => aedes.subscribe(topic, deliver, resolve))
  const off = (topic: string) => new Promise<void>((resolve) => aedes.unsubscribe(topic, deliver, resolve))
  return {
    async subscribe(topics) {
      await Promise.all(topics.map(on))
    },
    unsubscribe(topics) {
      for (const t of topics) void off(t)
    },
    onMessage(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    async close(topics) {
      await Promise.all(topics.map(off))
    },
  }
}
