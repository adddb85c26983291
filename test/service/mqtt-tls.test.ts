// The service's MQTT TLS listener as README configures it: MQTT_TLS_CERT and MQTT_TLS_KEY are paths to PEM
// files. A device connects over mqtts:// with the private CA pinned and has its reading acknowledged; a
// path that cannot be read stops start-up with one line naming the variable.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { provisionCircuits } from '../support/provision.ts'
import { createServiceProcess } from '../support/service-process.ts'
import { makeTestCertificate } from '../support/tls-cert.ts'

const dir = mkdtempSync(join(tmpdir(), 'courtyard-mqtt-tls-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the service over MQTT TLS', () => {
  it('listens with the certificate and key read from their paths', async () => {
    const tls = makeTestCertificate(dir)
    const svc = await createServiceProcess({ influxUrl: inject('influxUrl'), tls })
    await svc.start()
    try {
      const [device] = await provisionCircuits(svc, 'tls-circuit', 1)
      const c = await mqtt.connectAsync(svc.mqttsUrl!, {
        clientId: device?.id,
        username: device?.id,
        password: device?.secret,
        ca: tls.cert,
        reconnectPeriod: 0,
      })
      const reading = { ts: Date.now(), seq: 0, kind: 'circuit-monitor', powerW: 12.5 }
      await c.publishAsync(`devices/${device?.id}/telemetry`, JSON.stringify(reading), { qos: 1 })
      await c.endAsync()
    } finally {
      await svc.kill('SIGTERM')
    }
  })

  it('stops at start-up with one line naming the variable whose file cannot be read', async () => {
    const tls = makeTestCertificate(dir)
    const svc = await createServiceProcess({
      influxUrl: inject('influxUrl'),
      tls: { certPath: tls.certPath, keyPath: join(dir, 'missing-key.pem') },
    })
    const failed = await svc.start().then(
      () => '',
      (err: unknown) => String(err),
    )
    await svc.kill('SIGKILL')
    expect(failed).toContain(
      `courtyard failed to start: MQTT_TLS_KEY=${join(dir, 'missing-key.pem')}: cannot read it (ENOENT: no such file or directory`,
    )
  })
})
