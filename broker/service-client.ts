// The node's own MQTT client of its broker, with a service account whose secret is new at every start:
// the API's live feed and revocations, and device commands, go through it.
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import mqtt, { type MqttClient } from 'mqtt'
import type { RunningPart } from '../domain/part.ts'
import type { Registry } from '../registry/index.ts'

export interface ServiceClientPart extends RunningPart {
  client: MqttClient
}

export async function connectServiceClient(deps: {
  registry: Pick<Registry, 'rotateServiceSecret'>
  /** e.g. mqtt://127.0.0.1:1883 */
  url: string
  /** the service account, `svc:<name>` */
  name: string
}): Promise<ServiceClientPart> {
  const secret = deps.registry.rotateServiceSecret(deps.name)
  const client = await mqtt.connectAsync(deps.url, {
    clientId: `svc:${deps.name}-${randomBytes(4).toString('hex')}`,
    username: `svc:${deps.name}`,
    password: secret,
    reconnectPeriod: 1000,
  })
  // Nagle + delayed ACK add ~40 ms to every command round trip and live event
  const noDelay = () => (client.stream as Socket).setNoDelay?.(true)
  noDelay()
  client.on('connect', noDelay)
  return {
    client,
    async stop() {
      await client.endAsync(true).catch(() => undefined)
    },
  }
}
