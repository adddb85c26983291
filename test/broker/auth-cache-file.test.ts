// Verified device secrets survive a broker restart (broker/auth-cache-file.ts): the reconnect storm after
// a restart costs no scrypt, while rotation, decommission, wrong secrets and a tampered file still end in
// scrypt or a refusal. Real aedes broker, real mqtt.js clients, a real file.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IClientOptions } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import type { BrokerConfig } from '../../broker/types.ts'
import { tempDir } from '../spool/helpers.ts'
import { until } from '../support/poll.ts'
import { type Harness, refusedConnect, startHarness } from './helpers.ts'

const harnesses: Harness[] = []
const dirs: { remove(): void }[] = []
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close().catch(() => {})
  for (const d of dirs.splice(0)) d.remove()
})
const as = (id: string, secret: string): IClientOptions => ({ clientId: id, username: id, password: secret })
const cacheFile = () => {
  const d = tempDir('auth-cache')
  dirs.push(d)
  return join(d.dir, 'auth-cache.json')
}
async function broker(config: Partial<BrokerConfig>, devices: [string, string, number?][]) {
  const h = await startHarness({ config })
  harnesses.push(h)
  for (const [id, secret, version] of devices) h.directory.addDevice(id, secret, version)
  return h
}
async function connectAndLeave(h: Harness, id: string, secret: string) {
  await (await h.connect(as(id, secret))).endAsync()
}
const scryptChecks = async (h: Harness) =>
  Number(
    /courtyard_broker_secret_checks_total\{via="scrypt"\} (\d+)/.exec(await h.metrics.metrics())?.[1] ?? 0,
  )

describe('verified device secrets across a broker restart', () => {
  it('lets a whole fleet back in after a restart without one secret check, even with no room for checks', async () => {
    const file = cacheFile()
    const fleet = Array.from({ length: 30 }, (_, i): [string, string] => [`dev-${i}`, `secret-${i}`])
    const first = await broker({ authCacheFile: file }, fleet)
    for (const [id, secret] of fleet) await connectAndLeave(first, id, secret)
    expect(first.directory.deviceChecks).toBe(30)
    await first.close()
    harnesses.splice(harnesses.indexOf(first), 1)
    expect(statSync(file).mode & 0o777).toBe(0o600)

    // one check at a time and no queue: a storm that needed scrypt would be refused with CONNACK 3
    const second = await broker(
      { authCacheFile: file, auth: { verifyConcurrency: 1, verifyQueue: 0 } },
      fleet,
    )
    const clients = await Promise.all(fleet.map(([id, secret]) => second.connect(as(id, secret))))
    expect(clients.every((c) => c.connected)).toBe(true)
    expect(second.directory.deviceChecks).toBe(0)
    expect(await second.metrics.metrics()).toMatch(/courtyard_broker_secret_checks_total\{via="cache"\} 30/)
  })

  it('still refuses a wrong secret, and a device rotated or decommissioned while the broker was down', async () => {
    const file = cacheFile()
    const first = await broker({ authCacheFile: file }, [
      ['kept-01', 's-kept'],
      ['rotated-01', 's-old'],
      ['gone-01', 's-gone'],
    ])
    for (const [id, s] of [
      ['kept-01', 's-kept'],
      ['rotated-01', 's-old'],
      ['gone-01', 's-gone'],
    ] as const)
      await connectAndLeave(first, id, s)
    await first.close()
    harnesses.splice(harnesses.indexOf(first), 1)

    // while it was down: rotated-01 got a new credential (version 1), gone-01 was decommissioned
    const second = await broker({ authCacheFile: file }, [
      ['kept-01', 's-kept'],
      ['rotated-01', 's-new', 1],
    ])
    expect(await refusedConnect(second.url, as('kept-01', 'not-the-secret'))).toBe(4)
    expect(await refusedConnect(second.url, as('rotated-01', 's-old'))).toBe(4)
    expect(await refusedConnect(second.url, as('gone-01', 's-gone'))).toBe(4)
    const checks = second.directory.deviceChecks
    await connectAndLeave(second, 'kept-01', 's-kept')
    expect(second.directory.deviceChecks).toBe(checks)
    // the new secret of the rotated device is verified by scrypt, then remembered
    await connectAndLeave(second, 'rotated-01', 's-new')
    expect(second.directory.deviceChecks).toBe(checks + 1)
  })

  it('ignores a file that does not parse and entries of the wrong shape: those devices are verified by scrypt', async () => {
    const file = cacheFile()
    writeFileSync(file, '{"format":1,"entries":[')
    const h = await broker({ authCacheFile: file }, [['dev-a', 's-a']])
    await connectAndLeave(h, 'dev-a', 's-a')
    expect(await scryptChecks(h)).toBe(1)
    await h.close()
    harnesses.splice(harnesses.indexOf(h), 1)

    // a planted entry for dev-b with a digest of the wrong length, beside dev-a's good one
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: number; entries: unknown[] }
    saved.entries.push(['dev-b', 0, 'short'], ['dev-c', 'zero', (saved.entries[0] as string[])[2]])
    writeFileSync(file, JSON.stringify(saved))
    const again = await broker({ authCacheFile: file }, [
      ['dev-a', 's-a'],
      ['dev-b', 's-b'],
    ])
    await connectAndLeave(again, 'dev-a', 's-a')
    expect(await scryptChecks(again)).toBe(0)
    await connectAndLeave(again, 'dev-b', 's-b')
    expect(await scryptChecks(again)).toBe(1)
  })

  it('writes the cache while running, so a power cut loses at most one interval of verifications', async () => {
    const file = cacheFile()
    const h = await broker({ authCacheFile: file, authCacheSaveMs: 20 }, [['dev-p', 's-p']])
    await connectAndLeave(h, 'dev-p', 's-p')
    await until(() => {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] }).entries.length === 1
      } catch {
        return false
      }
    })
  })
})
