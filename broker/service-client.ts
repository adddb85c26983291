// The node's own MQTT client of its broker, as service account `svc:<name>`: device commands and the
// API's revocations go through it. It connects in-process (BrokerHandle.connectInternal), not over a
// listener: no port, no secret, and no wait behind the secret checks of a fleet reconnecting at once
// (a restart under the bench's reconnect storm failed on CONNACK 3, 'verifications busy', before this).
import { randomBytes } from 'node:crypto'
import { MqttClient } from 'mqtt'
import type { RunningPart } from '../domain/part.ts'
import type { BrokerHandle } from './types.ts'

export interface ServiceClientPart extends RunningPart {
  client: MqttClient
}

export async function connectServiceClient(deps: {
  broker: Pick<BrokerHandle, 'connectInternal'>
  /** the service account, `svc:<name>` */
  name: string
}): Promise<ServiceClientPart> {
  const client = new MqttClient(() => deps.broker.connectInternal(deps.name), {
    clientId: `svc:${deps.name}-${randomBytes(4).toString('hex')}`,
    username: `svc:${deps.name}`,
    reconnectPeriod: 1000,
  })
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      client.off('connect', onConnect)
      client.end(true)
      reject(err)
    }
    const onConnect = () => {
      client.off('error', onError)
      resolve()
    }
    client.once('connect', onConnect)
    client.once('error', onError)
  })
  return {
    client,
    async stop() {
      await client.endAsync(true).catch(() => undefined)
    },
  }
}
