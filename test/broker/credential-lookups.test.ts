// One registry lookup of a device's credential version per CONNECT, on both ways in (a scrypt check, a
// secret verified before): the lookup is a sync SQLite query on the event loop, and a reconnect storm
// makes thousands of connects a second. Real registry (SQLite, scrypt), real broker, real clients; the
// registry is only wrapped to count the lookups.
import mqtt from 'mqtt'
import { Registry as Metrics } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrokerHandle, createBroker } from '../../broker/index.ts'
import { openRegistry, type Registry } from '../../registry/index.ts'
import { openSpoolWriter, type SpoolWriter } from '../../spool/index.ts'
import { tempDir } from '../spool/helpers.ts'
import { silentLog } from './helpers.ts'

let registry: Registry
let spool: SpoolWriter
let broker: BrokerHandle
let url: string
let tmp: ReturnType<typeof tempDir>
let lookups = 0

beforeAll(async () => {
  tmp = tempDir('credential-lookups')
  registry = openRegistry({ path: `${tmp.dir}/registry.db`, log: silentLog, scrypt: { N: 1024, r: 8, p: 1 } })
  registry.createTenant({ id: 'acme', name: 'Acme' })
  registry.createSite({
    id: 'shed-1',
    tenantId: 'acme',
    name: 'Shed',
    community: 'Court',
    kind: 'charging-shed',
  })
  const counted = new Proxy(registry, {
    get(target, key) {
      if (key === 'credentialVersion')
        return (id: string) => {
          lookups++
          return target.credentialVersion(id)
        }
      const value = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  spool = await openSpoolWriter({ dir: `${tmp.dir}/spool`, maxBytes: 1 << 30, log: silentLog })
  broker = await createBroker({
    directory: counted,
    spool,
    log: silentLog,
    metrics: new Metrics(),
    config: { host: '127.0.0.1', mqttPort: 0 },
  })
  url = `mqtt://127.0.0.1:${broker.ports.mqtt}`
})
afterAll(async () => {
  await broker?.close()
  await spool?.close()
  registry?.close()
  tmp?.remove()
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
