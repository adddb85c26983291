// A rotated or revoked secret must not keep a connection: not one that was up, not one that was
// mid-handshake when the rotation landed. Real registry (SQLite, scrypt), real broker, real clients.
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrokerHandle } from '../../broker/index.ts'
import type { Registry } from '../../registry/index.ts'
import { until } from '../support/poll.ts'
import { type RegistryBroker, refusedConnect, startRegistryBroker } from './helpers.ts'

let h: RegistryBroker
let registry: Registry
let broker: BrokerHandle
let url: string
let api: MqttClient
const clients: MqttClient[] = []

beforeAll(async () => {
  h = await startRegistryBroker('rotation')
  ;({ registry, broker, url } = h)
  const apiSecret = registry.rotateServiceSecret('api')
  api = await mqtt.connectAsync(url, { clientId: 'svc:api-1', username: 'svc:api', password: apiSecret })
})
afterAll(async () => {
  for (const c of clients) c.end(true)
  api?.end(true)
  await h?.close()
})

async function provision(id: string): Promise<string> {
  return (await registry.provisionDevice({ id, kind: 'charging-pile', siteId: 'shed-1' })).secret
}

function connect(id: string, secret: string): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0 })
  clients.push(c)
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c))
    c.once('close', () => reject(new Error('closed before CONNACK')))
  })
}

/** What the API does on rotate-secret / decommission: the registry first, then $courtyard/revoke. */
async function revokeOverMqtt(id: string): Promise<void> {
  await api.publishAsync('$courtyard/revoke', JSON.stringify({ deviceId: id }), { qos: 1 })
}

const connectedAs = (id: string) =>
  (broker.aedes as unknown as { clients: Record<string, unknown> }).clients[id]

describe('credential rotation reaches every connection of the device', () => {
  it('closes a connected device when its secret is rotated, even before any revoke message', async () => {
    const secret = await provision('rot-up-01')
    const c = await connect('rot-up-01', secret)
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()))
    await registry.rotateDeviceSecret('rot-up-01')
    await closed
    expect(
      await refusedConnect(url, { clientId: 'rot-up-01', username: 'rot-up-01', password: secret }),
    ).toBe(4)
  })

  it('closes a connected device when it is decommissioned', async () => {
    const secret = await provision('rot-dc-01')
    const c = await connect('rot-dc-01', secret)
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()))
    registry.decommissionDevice('rot-dc-01')
    await closed
    expect(connectedAs('rot-dc-01')).toBeUndefined()
  })

  it('does not keep a connection accepted from the cache while the rotation landed mid-handshake', async () => {
    const secret = await provision('rot-mid-01')
    await (await connect('rot-mid-01', secret)).endAsync() // the verification is cached now
    // land the rotation (and the API's revoke) after authentication, before aedes registers the client
    const persistence = (
      broker.aedes as unknown as { persistence: Record<string, (...a: unknown[]) => unknown> }
    ).persistence
    const original = persistence.cleanSubscriptions!
    persistence.cleanSubscriptions = async (...args: unknown[]) => {
      persistence.cleanSubscriptions = original
      await registry.rotateDeviceSecret('rot-mid-01')
      await revokeOverMqtt('rot-mid-01')
      return original.apply(persistence, args)
    }
    const outcome = await connect('rot-mid-01', secret).then(
      (c) => new Promise<string>((resolve) => c.once('close', () => resolve('closed after CONNACK'))),
      (err: Error) => err.message,
    )
    expect(['closed before CONNACK', 'closed after CONNACK']).toContain(outcome)
    await until(() => connectedAs('rot-mid-01') === undefined)
  })

  it('refuses the old secret whose scrypt check was running when the rotation landed', async () => {
    const secret = await provision('rot-chk-01')
    // the cache is cold for this device, so scrypt runs; the rotation (and the API's revoke) lands
    // after the check said yes and before the broker acts on it
    const verify = registry.verifyDeviceSecret
    registry.verifyDeviceSecret = async (id, s) => {
      registry.verifyDeviceSecret = verify
      const ok = await verify(id, s)
      await registry.rotateDeviceSecret(id)
      await revokeOverMqtt(id)
      return ok
    }
    expect(
      await refusedConnect(url, { clientId: 'rot-chk-01', username: 'rot-chk-01', password: secret }),
    ).toBe(4)
    expect(connectedAs('rot-chk-01')).toBeUndefined()
  })
})
