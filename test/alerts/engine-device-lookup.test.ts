// The engine's device look-ups (alerts/engine-devices.ts) with the registry's change stamp: an entry whose
// TTL ran out is kept without its queries while neither the registry nor alerts.db's settings and crews'
// answers changed, and any change, by another connection or through the engine's own, is seen at the
// entry's next expiry as it was without the stamp.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openAlertsDb } from '../../alerts/db.ts'
import { createDeviceLookup } from '../../alerts/engine-devices.ts'
import { defaultResolveSettings } from '../../alerts/settings.ts'
import { createAlertStore } from '../../alerts/store.ts'
import { createStrayWireFeedback } from '../../alerts/stray-wire-feedback.ts'
import { openRegistry } from '../../registry/index.ts'

const log = pino({ level: 'silent' })
const TTL = 5000

describe('engine device look-ups with a change stamp', () => {
  let dir: string
  let cleanup: (() => void)[]
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'courtyard-engine-lookup-'))
    cleanup = []
  })
  afterEach(() => {
    for (const c of cleanup.reverse()) c()
    rmSync(dir, { recursive: true, force: true })
  })

  const setup = async () => {
    const path = join(dir, 'registry.db')
    const registry = openRegistry({ path, log, scrypt: { N: 1024, r: 8, p: 1 } })
    cleanup.push(() => registry.close())
    registry.createTenant({ id: 'acme', name: 'Acme' })
    registry.createSite({ id: 'blk', tenantId: 'acme', name: 'Block', community: 'Garden', kind: 'building' })
    await registry.provisionDevice({
      id: 'cm-1',
      kind: 'circuit-monitor',
      siteId: 'blk',
      reportIntervalS: 60,
    })
    const db = openAlertsDb(join(dir, 'alerts.db'))
    cleanup.push(() => db.close())
    const store = createAlertStore(db)
    let finds = 0
    const clock = { t: 1_000_000 }
    const lookup = createDeviceLookup({
      directory: {
        findDevice: (id, opts) => {
          finds++
          return registry.findDevice(id, opts)
        },
      },
      siteLocation: (siteId) => registry.getSite(siteId)?.location,
      store,
      resolveSettings: defaultResolveSettings,
      now: () => clock.t,
      ttlMs: TTL,
      registryStamp: registry.changeStamp,
    })
    // other connections to the same files: the main thread's API, as the engine thread sees it
    const otherRegistry = openRegistry({ path, log, scrypt: { N: 1024, r: 8, p: 1 } })
    cleanup.push(() => otherRegistry.close())
    const otherDb = openAlertsDb(join(dir, 'alerts.db'))
    cleanup.push(() => otherDb.close())
    return {
      registry,
      store,
      db,
      lookup,
      clock,
      finds: () => finds,
      otherRegistry,
      otherStore: createAlertStore(otherDb),
      otherFeedback: createStrayWireFeedback(otherDb),
    }
  }

  it('looks a device up again only when something it reads changed', async () => {
    const s = await setup()
    const first = s.lookup.get('cm-1')
    expect(first?.device.kind).toBe('circuit-monitor')
    expect(s.finds()).toBe(1)
    for (let i = 1; i <= 5; i++) {
      s.clock.t += TTL
      expect(s.lookup.get('cm-1')).toBe(first)
    }
    expect(s.finds()).toBe(1)
    // an unknown id is kept too while the registry does not change
    expect(s.lookup.get('ghost')).toBeUndefined()
    s.clock.t += TTL
    expect(s.lookup.get('ghost')).toBeUndefined()
    expect(s.finds()).toBe(2)
  })

  it("sees another connection's registry change at the entry's next expiry", async () => {
    const s = await setup()
    expect(s.lookup.get('cm-1')?.decommissioned).toBe(false)
    s.otherRegistry.decommissionDevice('cm-1')
    // within the TTL, as before: the entry is trusted
    expect(s.lookup.get('cm-1')?.decommissioned).toBe(false)
    s.clock.t += TTL
    expect(s.lookup.get('cm-1')?.decommissioned).toBe(true)
    expect(s.finds()).toBe(2)
  })

  it('sees a registry change through its own connection at the next expiry', async () => {
    const s = await setup()
    expect(s.lookup.get('cm-2')).toBeUndefined()
    await s.registry.provisionDevice({ id: 'cm-2', kind: 'circuit-monitor', siteId: 'blk' })
    s.clock.t += TTL
    expect(s.lookup.get('cm-2')?.device.id).toBe('cm-2')
  })

  it("sees settings written by another connection, or through the engine's own, at the next expiry", async () => {
    const s = await setup()
    expect(s.lookup.get('cm-1')?.settings.offlineIntervals).toBe(3)
    s.otherStore.putSettings('device', 'cm-1', { offlineIntervals: 7 }, 'ops', 1)
    s.clock.t += TTL
    expect(s.lookup.get('cm-1')?.settings.offlineIntervals).toBe(7)
    s.store.putSettings('site', 'blk', { offlineIntervals: 9 }, 'ops', 2)
    s.store.putSettings('device', 'cm-1', {}, 'ops', 2)
    s.clock.t += TTL
    expect(s.lookup.get('cm-1')?.settings.offlineIntervals).toBe(9)
  })

  it("sees a crew's answer written by another connection at the next expiry", async () => {
    const s = await setup()
    expect(s.lookup.get('cm-1')?.settings.strayWireFeedback).toBeUndefined()
    s.otherFeedback.teach(
      { alertId: 'al-1', deviceId: 'cm-1', raisedAt: 2_000_000, evidence: { levelW: 60 }, lastValue: 60 },
      'lights',
      'crew',
      2_100_000,
      0,
    )
    s.clock.t += TTL
    const fb = s.lookup.get('cm-1')?.settings.strayWireFeedback as { taught?: unknown[] } | undefined
    expect(fb?.taught).toHaveLength(1)
  })
})
