// The alerts' history read back in commit order, each change with its alert as it stood then: a consumer
// planning late (after an outage) routes a raise at its raise severity and never tells "raised" of a
// cleared alert.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AlertsDb, openAlertsDb } from '../../alerts/db.ts'
import { type AlertStore, createAlertStore, type StoredAlert } from '../../alerts/store.ts'
import { createTransitionFeed } from '../../alerts/transition-feed.ts'
import type { AlertTransition } from '../../domain/alerts.ts'

const T0 = Date.UTC(2026, 10, 21, 11, 0, 0)

describe('the transition feed', () => {
  let dir: string
  let db: AlertsDb
  let store: AlertStore
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'courtyard-feed-'))
    db = openAlertsDb(join(dir, 'alerts.db'))
    store = createAlertStore(db)
  })
  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const base: StoredAlert = {
    id: 'alr-1',
    tenantId: 'acme',
    key: 'port:2',
    type: 'port_overheat',
    severity: 'minor',
    state: 'active',
    deviceId: 'pile-01',
    siteId: 'acme-shed',
    port: 2,
    message: 'port 2 hot',
    raisedAt: T0,
    lastValue: 61,
    count: 1,
    updatedAt: T0,
  }
  const step = (a: StoredAlert, t: Omit<AlertTransition, 'alertId'>) =>
    store.transaction(() => {
      if (store.get(a.id)) store.update(a)
      else store.insert(a)
      store.addTransition({ alertId: a.id, ...t })
    })

  it('gives each change its alert as it stood right after it, oldest first, from a seq on', () => {
    const feed = createTransitionFeed(db)
    expect(feed.lastSeq()).toBe(0)
    step(base, { kind: 'raised', at: T0, by: 'system', severity: 'minor', value: 61 })
    const major = { ...base, severity: 'major' as const, lastValue: 70, count: 2 }
    step(major, { kind: 'severity_changed', at: T0 + 1, by: 'system', severity: 'major', value: 70 })
    const acked = {
      ...major,
      state: 'acknowledged' as const,
      acknowledgedAt: T0 + 2,
      acknowledgedBy: 'user:crew',
    }
    step(acked, { kind: 'acknowledged', at: T0 + 2, by: 'user:crew' })
    const hotter = { ...acked, lastValue: 75, count: 3 }
    step(hotter, { kind: 'repeated', at: T0 + 3, by: 'system', severity: 'major', value: 75 })
    step(hotter, { kind: 'command', at: T0 + 4, by: 'auto', detail: { name: 'port_off' } })
    const cleared = { ...hotter, state: 'cleared' as const, clearedAt: T0 + 5, clearedBy: 'system' }
    step(cleared, { kind: 'cleared', at: T0 + 5, by: 'system' })

    expect(feed.lastSeq()).toBe(6)
    const { changes, lastSeq } = feed.after(0, 100)
    expect(lastSeq).toBe(6)
    expect(changes.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect(
      changes.map(({ change: { alert: a, transition: t } }) => [
        t.kind,
        a.state,
        a.severity,
        a.lastValue,
        a.acknowledgedBy ?? '-',
        a.clearedBy ?? '-',
      ]),
    ).toEqual([
      ['raised', 'active', 'minor', 61, '-', '-'],
      ['severity_changed', 'active', 'major', 70, '-', '-'],
      ['acknowledged', 'acknowledged', 'major', 75, 'user:crew', '-'],
      ['repeated', 'acknowledged', 'major', 75, 'user:crew', '-'],
      ['command', 'acknowledged', 'major', 75, 'user:crew', '-'],
      ['cleared', 'cleared', 'major', 75, 'user:crew', 'system'],
    ])
    expect(changes.every((c) => c.change.tenantId === 'acme' && !('key' in c.change.alert))).toBe(true)

    const page = feed.after(2, 2)
    expect(page.changes.map((c) => c.change.transition.kind)).toEqual(['acknowledged', 'repeated'])
    expect(page.lastSeq).toBe(4)
    expect(feed.after(6, 10)).toEqual({ changes: [], lastSeq: 6, unreadable: [] })
  })
})
