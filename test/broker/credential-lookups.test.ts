// One registry lookup of a device's credential version per CONNECT, on both ways in (a scrypt check, a
// secret verified before): the lookup is a sync SQLite query on the event loop, and a reconnect storm
// makes thousands of connects a second. Real registry (SQLite, scrypt), real broker, real clients; the
// registry is only wrapped to count the lookups.
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Registry } from '../../registry/index.ts'
import { type RegistryBroker, startRegistryBroker } from './helpers.ts'

let h: RegistryBroker
let registry: Registry
let url: string
let lookups = 0

beforeAll(async () => {
  h = await startRegistryBroker('credential-lookups', (r) => {
    const counted: typeof r = Object.create(r)
    counted.credentialVersion = (id: string) => {
      lookups++
      return r.credentialVersion(id)
    }
    return counted
  })
  registry = h.registry
  url = h.url
})
afterAll(async () => {
  await h?.close()
})

/** Connects, publishes one message (the connection is in use, past every hook) and disconnects. */
async function session(id: string, secret: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0 })
  await c.publishAsync(`devices/${id}/status`, 'online', { qos: 1 })
  await c.endAsync()
}

describe('a device CONNECT', () => {
  it('looks the credential version up once, whether scrypt checks the secret or the cache knows it', async () => {
    const { secret } = await registry.provisionDevice({
      id: 'look-01',
      kind: 'charging-pile',
      siteId: 'shed-1',
    })
    lookups = 0
    await session('look-01', secret) // first time: scrypt
    expect(lookups).toBe(1)
    lookups = 0
    await session('look-01', secret) // verified before: the cache
    expect(lookups).toBe(1)
  })

  it('looks it up once for a device the registry does not know, and refuses it', async () => {
    lookups = 0
    const err = await mqtt
      .connectAsync(url, { clientId: 'nobody-01', username: 'nobody-01', password: 'x', reconnectPeriod: 0 })
      .then(
        (c) => c.endAsync().then(() => undefined),
        (e: { code?: number }) => e,
      )
    expect(err?.code).toBe(4)
    expect(lookups).toBe(1)
  })
})
