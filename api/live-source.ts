// Where the live feed's device messages come from. Over MQTT (the API's own client: a subscriber like any
// other, for an API apart from the broker), or, when the broker runs in this process, straight from it
// (service/aedes-live-source.ts): no packet written, sent over loopback and parsed again per message,
// work that was the broker's thread's too.
import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'

export interface LiveSource {
  /** resolves once messages on `topic` are delivered (a failure is logged, the feed stays quiet there) */
  subscribe(topics: string[], qos: 0 | 1): Promise<void>
  unsubscribe(topics: string[]): void
  /** every message on the subscribed topics; returns the function that stops it */
  onMessage(handler: (topic: string, payload: Buffer) => void): () => void
  /** drops every subscription at close (best effort) */
  close(topics: string[]): Promise<void>
}

export function mqttLiveSource(mqtt: MqttClient, log: Logger): LiveSource {
  return {
    subscribe: (topics, qos) =>
      new Promise((resolve) => {
        mqtt.subscribe(topics, { qos }, (err) => {
          if (err) log.warn({ topics, err: err.message }, 'live feed subscribe failed')
          resolve()
        })
      }),
    unsubscribe: (topics) => {
      mqtt.unsubscribe(topics)
    },
    onMessage(handler) {
      mqtt.on('message', handler)
      return () => mqtt.removeListener('message', handler)
    },
    async close(topics) {
      if (mqtt.connected && topics.length) await mqtt.unsubscribeAsync(topics).catch(() => undefined)
    },
  }
}
