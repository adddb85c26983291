// MQTT over TLS (protocol: port 8883 when certificates are configured), with a certificate made for the
// test by openssl: the device connects with the CA pinned, publishes, and the record reaches the spool.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../spool/helpers.ts'
import { type Harness, refusedConnect, startHarness } from './helpers.ts'

describe('broker over TLS', () => {
  let h: Harness
  let cert: Buffer
  const tmp = tempDir('tls')
  beforeAll(async () => {
    const certPath = join(tmp.dir, 'cert.pem')
    const keyPath = join(tmp.dir, 'key.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    cert = readFileSync(certPath)
    h = await startHarness({ config: { tlsPort: 0, tlsCert: cert, tlsKey: readFileSync(keyPath) } })
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
