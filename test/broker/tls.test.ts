// MQTT over TLS (protocol: port 8883 when certificates are configured), with a certificate made for the
// test by openssl (support/tls-cert.ts): the device connects with the CA pinned, publishes, and the record
// reaches the spool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../spool/helpers.ts'
import { makeTestCertificate } from '../support/tls-cert.ts'
import { type Harness, refusedConnect, startHarness } from './helpers.ts'

describe('broker over TLS', () => {
  let h: Harness
  let cert: Buffer
  const tmp = tempDir('tls')
  beforeAll(async () => {
    const made = makeTestCertificate(tmp.dir)
    cert = made.cert
    h = await startHarness({ config: { tlsPort: 0, tlsCert: cert, tlsKey: made.key } })
    h.directory.addDevice('tls-dev-1', 'tls-secret')
  })
  afterAll(async () => {
    await h?.close()
    tmp.remove()
  })

  it('accepts a device over TLS and spools its publish before the PUBACK', async () => {
    expect(h.broker.ports.tls).toBeGreaterThan(0)
    const url = `mqtts://127.0.0.1:${h.broker.ports.tls}`
    const c = await h.connect(
      { clientId: 'tls-dev-1', username: 'tls-dev-1', password: 'tls-secret', ca: cert },
      url,
    )
    await c.publishAsync('devices/tls-dev-1/telemetry', '{"hello":"tls"}', { qos: 1 })
    const spooled = await h.drain()
    expect(spooled.map((e) => e.payload.toString())).toContain('{"hello":"tls"}')
  })

  it('still authenticates over TLS: a wrong secret is refused', async () => {
    const url = `mqtts://127.0.0.1:${h.broker.ports.tls}`
    const code = await refusedConnect(url, {
      clientId: 'tls-dev-1',
      username: 'tls-dev-1',
      password: 'nope',
      ca: cert,
    })
    expect(code).not.toBe('accepted')
    expect([4, 5, 'closed']).toContain(code)
  })
})
