// Failed authentication must stay cheap: rate limits per address and per user name, a bound on
// concurrent secret checks, sampled logs. Real aedes broker, real mqtt.js clients.
import { Writable } from 'node:stream'
import type { IClientOptions } from 'mqtt'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { connectServiceClient } from '../../broker/index.ts'
import type { BrokerConfig } from '../../broker/types.ts'
import { until } from '../support/poll.ts'
import { type Harness, refusedConnect, startHarness } from './helpers.ts'

const harnesses: Harness[] = []
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close()
})
const LOOSE = {
  attemptsPerS: 1000,
  attemptsBurst: 1000,
  usernameAttemptsPerMin: 1000,
  addressFailuresPerMin: 1000,
  usernameFailuresPerMin: 1000,
  verifyConcurrency: 4,
  verifyQueue: 100,
}
async function harness(auth: Partial<NonNullable<BrokerConfig['auth']>>, extra: Partial<BrokerConfig> = {}) {
  const h = await startHarness({ config: { auth: { ...LOOSE, ...auth }, ...extra } })
  harnesses.push(h)
  return h
}
const as = (id: string, secret: string): IClientOptions => ({ clientId: id, username: id, password: secret })

describe('broker authentication limits', () => {
  it('refuses with CONNACK 3, before any secret check, an address that failed too often; cached devices still get in', async () => {
    const h = await harness({ addressFailuresPerMin: 3 })
    h.directory
      .addDevice('good-01', 's-good')
      .addDevice('victim-01', 's-victim')
      .addDevice('fresh-01', 's-fresh')
    await (await h.connect(as('good-01', 's-good'))).endAsync()
    for (let i = 0; i < 3; i++) expect(await refusedConnect(h.url, as('victim-01', `guess-${i}`))).toBe(4)
    const checks = h.directory.deviceChecks
    expect(await refusedConnect(h.url, as('victim-01', 'guess-4'))).toBe(3)
    // even the right secret, not verified before, waits out the limit: no scrypt for this address now
    expect(await refusedConnect(h.url, as('fresh-01', 's-fresh'))).toBe(3)
    expect(h.directory.deviceChecks).toBe(checks)
    // a secret verified before is a sha256 compare: that device keeps reconnecting
    await (await h.connect(as('good-01', 's-good'))).endAsync()
    expect(await h.metrics.metrics()).toMatch(
      /courtyard_broker_auth_failures_total\{reason="too many failures"\} 2/,
    )
  })

  it('limits failures per user name, so guessing one device’s secret from many addresses stops too', async () => {
    const h = await harness({ usernameFailuresPerMin: 2 })
    h.directory.addDevice('victim-02', 's-victim').addDevice('other-02', 's-other')
    await (await h.connect(as('victim-02', 's-victim'))).endAsync()
    expect(await refusedConnect(h.url, as('victim-02', 'guess-1'))).toBe(4)
    expect(await refusedConnect(h.url, as('victim-02', 'guess-2'))).toBe(4)
    expect(await refusedConnect(h.url, as('victim-02', 'guess-3'))).toBe(3)
    // the device itself, with its cached secret, is not locked out; another device is not affected
    await (await h.connect(as('victim-02', 's-victim'))).endAsync()
    await (await h.connect(as('other-02', 's-other'))).endAsync()
  })

  it('limits CONNECT attempts per address, valid or not', async () => {
    const h = await harness({ attemptsBurst: 3, attemptsPerS: 0.001 })
    h.directory.addDevice('flap-01', 's-flap')
    for (let i = 0; i < 3; i++) await (await h.connect(as('flap-01', 's-flap'))).endAsync()
    expect(await refusedConnect(h.url, as('flap-01', 's-flap'))).toBe(3)
  })

  it('limits CONNECT attempts per user name: a device flapping, or two clones fighting over one id', async () => {
    const h = await harness({ usernameAttemptsPerMin: 4 })
    h.directory.addDevice('clone-01', 's-clone').addDevice('calm-01', 's-calm')
    for (let i = 0; i < 4; i++) await (await h.connect(as('clone-01', 's-clone'))).endAsync()
    expect(await refusedConnect(h.url, as('clone-01', 's-clone'))).toBe(3)
    // the address is not what is limited here: another device from it connects
    await (await h.connect(as('calm-01', 's-calm'))).endAsync()
  })

  it('runs at most verifyConcurrency secret checks, queues verifyQueue more and refuses the rest with 3', async () => {
    const h = await harness({ verifyConcurrency: 1, verifyQueue: 1 })
    h.directory.addDevice('slow-01', 's-slow')
    let open!: () => void
    h.directory.gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const codes: Array<number | string> = []
    const attempts = [1, 2, 3, 4].map((i) =>
      refusedConnect(h.url, as('slow-01', `guess-${i}`)).then((code) => {
        codes.push(code)
        return code
      }),
    )
    // one check runs (held), one waits; the other two are refused at once, without a check
    await until(() => codes.length === 2)
    expect(codes).toEqual([3, 3])
    expect(h.directory.deviceChecks).toBe(1)
    open()
    expect((await Promise.all(attempts)).sort()).toEqual([3, 3, 4, 4])
    expect(h.directory.deviceChecks).toBe(2)
  })

  it('lets the node’s own client in while a reconnect storm fills the secret checks, and no TCP client in as it', async () => {
    const h = await harness({ verifyConcurrency: 1, verifyQueue: 1 })
    h.directory.addDevice('storm-01', 's-storm').addDevice('target-01', 's-target')
    const target = await h.connect(as('target-01', 's-target'))
    let open!: () => void
    h.directory.gate = new Promise<void>((resolve) => {
      open = resolve
    })
    // one check held, one queued: the broker answers 3 to the rest of the fleet
    const held = [1, 2].map((i) => refusedConnect(h.url, as('storm-01', `guess-${i}`)))
    await until(() => h.directory.deviceChecks === 1)
    expect(await refusedConnect(h.url, as('storm-01', 'guess-3'))).toBe(3)
    // the old service client (TCP, svc:api with its secret) waited in that same queue: refused with 3,
    // and the node failed to start. In process, it is in at once.
    const svc = await connectServiceClient({ broker: h.broker, name: 'api' })
    expect(svc.client.connected).toBe(true)
    // and it speaks as the service account: it may send a device its command
    open()
    await Promise.all(held)
    const got = new Promise<string>((resolve) => target.on('message', (topic) => resolve(topic)))
    await target.subscribeAsync('devices/target-01/commands', { qos: 0 })
    await svc.client.publishAsync(
      'devices/target-01/commands',
      JSON.stringify({ id: 'c1', name: 'reboot', ts: Date.now(), expiresAt: Date.now() + 60_000 }),
      { qos: 0 },
    )
    expect(await got).toBe('devices/target-01/commands')
    // nothing from outside gets that trust: svc:api over TCP without the secret is refused
    expect(await refusedConnect(h.url, { clientId: 'svc:api-x', username: 'svc:api' })).not.toBe(0)
    await svc.stop()
  })

  it('logs the first refusals of an interval one by one and then one summary line with the count', async () => {
    const lines: Array<{ msg: string; suppressed?: number; byReason?: Record<string, number> }> = []
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()))
        cb()
      },
    })
    const h = await startHarness({
      config: { auth: LOOSE, authLogFirst: 2, authLogIntervalMs: 200 },
      log: pino({ level: 'warn' }, sink),
    })
    harnesses.push(h)
    h.directory.addDevice('noisy-01', 's-noisy')
    for (let i = 0; i < 10; i++) expect(await refusedConnect(h.url, as('noisy-01', `guess-${i}`))).toBe(4)
    await until(() => lines.some((l) => l.suppressed !== undefined))
    expect(lines.filter((l) => l.msg === 'connect refused')).toHaveLength(2)
    expect(lines.find((l) => l.suppressed !== undefined)).toMatchObject({
      suppressed: 8,
      byReason: { 'wrong secret': 8 },
    })
  })
})
