// `npm run simulate` against the real service: its broker refuses devices without valid secrets (CONNACK
// 4: the run fails at once, saying so) and answers CONNACK 3 (server unavailable) while it is too busy to
// check secrets, which devices retry like any outage (broker/auth-guard.ts: "refused with 3 for a while
// and retries, it is not locked out").
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { createServiceProcess, type ServiceProcess } from '../support/service-process.ts'
import { makeTestCertificate, type TestCertificate } from '../support/tls-cert.ts'
import { createSimulateRunner } from './simulate-process.ts'

const sim = createSimulateRunner()
const certDir = mkdtempSync(join(tmpdir(), 'courtyard-sim-tls-'))
let svc: ServiceProcess
let tls: TestCertificate
let tlsUrl: string
beforeAll(async () => {
  // the service's TLS listener with a certificate of a private CA (self-signed: its own CA)
  tls = makeTestCertificate(certDir)
  svc = await createServiceProcess({
    influxUrl: inject('influxUrl'),
    tls,
    // one secret check at a time and none waiting: devices connecting together are answered 3
    extraEnv: { MQTT_AUTH_VERIFY_CONCURRENCY: '1', MQTT_AUTH_VERIFY_QUEUE: '0' },
  })
  tlsUrl = svc.mqttsUrl!
  await svc.start()
})
afterEach(() => sim.killAll())
afterAll(async () => {
  await svc?.kill('SIGTERM')
  rmSync(certDir, { recursive: true, force: true })
})

describe('npm run simulate against the service', () => {
  it('retries devices the broker is too busy to check and gets every one of them in', async () => {
    const run = await sim.run(
      [
        ...['--url', svc.mqttUrl, '--api', svc.httpUrl, '--tenant', 'sim-co', '--prefix', 'busy'],
        ...['--piles', '2', '--circuits', '6', '--sensors', '0', '--displays', '0', '--interval', '1'],
        ...['--duration', '4s', '--log-level', 'debug'],
      ],
      { ADMIN_TOKEN: svc.adminToken },
    ) // the token from the environment, as CI jobs pass secrets
    expect(run.code, run.stderr).toBe(0)
    // the broker did answer some connects with 3 (otherwise this test proves nothing)
    expect(run.stdout).toContain('Connection refused: Server unavailable')
    // `done`: every device connected and had each of its readings acknowledged
    expect(run.stderr).toMatch(
      /^simulate: stopped \(done\): 8 devices, sent [1-9]\d*, acked \d+, failed 0 .*refused 0$/m,
    )
  })

  it('fails at once with one line naming the refusal when the broker refuses every device', async () => {
    const run = await sim.run([
      ...['--url', svc.mqttUrl, '--prefix', 'nosecret', '--duration', '10m'],
      ...['--piles', '1', '--circuits', '1', '--sensors', '0', '--displays', '0'],
    ])
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain(
      `simulate: the broker at ${svc.mqttUrl} refused every device (Connection refused: Bad username or password)`,
    )
    expect(run.stderr).toMatch(/^simulate: failed: 2 devices, sent 0, acked 0, .*refused 2$/m)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('npm run simulate against the service over TLS with a private CA', () => {
  const args = (prefix: string) => [
    ...['--url', tlsUrl, '--api', svc.httpUrl, '--tenant', 'sim-co', '--prefix', prefix],
    ...['--piles', '1', '--circuits', '1', '--sensors', '0', '--displays', '0', '--interval', '1'],
  ]

  it('cannot connect without the CA, and says why', async () => {
    const run = await sim.run([...args('tls-noca'), '--duration', '10m', '--connect-timeout', '2s'], {
      ADMIN_TOKEN: svc.adminToken,
    })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain(
      `simulate: no device could connect to ${tlsUrl} within 2 s (self-signed certificate)`,
    )
  })

  it('connects with --ca and has every reading acknowledged', async () => {
    const run = await sim.run([...args('tls-ca'), '--duration', '3s', '--ca', tls.certPath], {
      ADMIN_TOKEN: svc.adminToken,
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(
      /^simulate: stopped \(done\): 2 devices, sent [1-9]\d*, acked \d+, failed 0 .*refused 0$/m,
    )
  })

  it('connects with --insecure, warning that the certificate is not checked', async () => {
    const run = await sim.run([...args('tls-insecure'), '--duration', '3s', '--insecure'], {
      ADMIN_TOKEN: svc.adminToken,
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain("--insecure: the broker's TLS certificate is not checked (for tests only)")
    expect(run.stderr).toMatch(
      /^simulate: stopped \(done\): 2 devices, sent [1-9]\d*, acked \d+, failed 0 .*refused 0$/m,
    )
  })
})
