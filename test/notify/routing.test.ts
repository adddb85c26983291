import { describe, expect, it } from 'vitest'
import type { Alert, Severity } from '../../domain/alerts.ts'
import {
  DEFAULT_RETRY_POLICY,
  findSilence,
  repeatIntervalMs,
  retryDelayMs,
  routeMatches,
  shouldRetry,
} from '../../notify/routing.ts'
import type { NotificationRoute, Silence } from '../../notify/types.ts'

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'a1',
  type: 'smoke',
  severity: 'major',
  state: 'active',
  deviceId: 'pile-01',
  siteId: 's1',
  message: 'm',
  raisedAt: 0,
  count: 1,
  updatedAt: 0,
  ...over,
})

const route = (over: Partial<NotificationRoute> = {}): NotificationRoute => ({
  id: 'r1',
  tenantId: 't1',
  name: 'r',
  minSeverity: 'warning',
  channelIds: ['c1'],
  repeatEveryMin: {},
  notifyOnClear: true,
  enabled: true,
  createdAt: 0,
  updatedAt: 0,
  ...over,
})

describe('routeMatches', () => {
  it.each([
    ['everything of its tenant by default', route(), alert(), 't1', true],
    ['nothing of another tenant', route(), alert(), 't2', false],
    ['nothing when disabled', route({ enabled: false }), alert(), 't1', false],
    ['a severity at the minimum', route({ minSeverity: 'major' }), alert({ severity: 'major' }), 't1', true],
    [
      'not a severity below the minimum',
      route({ minSeverity: 'major' }),
      alert({ severity: 'minor' }),
      't1',
      false,
    ],
    ['a listed site', route({ siteIds: ['s1', 's2'] }), alert(), 't1', true],
    ['not an unlisted site', route({ siteIds: ['s2'] }), alert(), 't1', false],
    ['every site when the list is empty', route({ siteIds: [] }), alert(), 't1', true],
    ['a listed type', route({ types: ['smoke'] }), alert(), 't1', true],
    ['not an unlisted type', route({ types: ['leakage'] }), alert(), 't1', false],
  ] as const)('matches %s', (_, r, a, tenant, expected) => {
    expect(routeMatches(r, a, tenant)).toBe(expected)
  })
})

describe('repeatIntervalMs', () => {
  it.each<[string, NotificationRoute['repeatEveryMin'], Severity, number | undefined]>([
    ['critical defaults to 5 min', {}, 'critical', 5 * 60_000],
    ['major defaults to 30 min', {}, 'major', 30 * 60_000],
    ['minor defaults to never', {}, 'minor', undefined],
    ['warning defaults to never', {}, 'warning', undefined],
    ['a route overrides a default', { critical: 2 }, 'critical', 2 * 60_000],
    ['null turns a default off', { critical: null }, 'critical', undefined],
    ['a route turns repeats on for warnings', { warning: 60 }, 'warning', 60 * 60_000],
  ])('%s', (_, repeat, sev, expected) => {
    expect(repeatIntervalMs(route({ repeatEveryMin: repeat }), sev)).toBe(expected)
  })
})

describe('silences', () => {
  const s = (matchers: Silence['matchers'], from = 0, to = 100): Silence => ({
    id: 'x',
    tenantId: 't1',
    matchers,
    from,
    to,
    comment: '',
    createdBy: 'u',
    createdAt: 0,
  })
  it.each([
    ['matching site', s({ siteId: 's1' }), 50, true],
    ['other site', s({ siteId: 's2' }), 50, false],
    [
      'all given matchers',
      s({ siteId: 's1', type: 'smoke', severity: 'major', deviceId: 'pile-01' }),
      50,
      true,
    ],
    ['one matcher off', s({ siteId: 's1', type: 'leakage' }), 50, false],
    ['before it starts', s({ siteId: 's1' }, 10), 5, false],
    ['at its end (exclusive)', s({ siteId: 's1' }), 100, false],
  ] as const)('%s', (_, silence, at, expected) => {
    expect(findSilence([silence], alert(), at) !== undefined).toBe(expected)
  })
})

describe('retry backoff', () => {
  it('doubles per attempt between half and all of the exponential delay, capped', () => {
    const p = DEFAULT_RETRY_POLICY
    expect(retryDelayMs(1, p, 0)).toBe(5_000)
    expect(retryDelayMs(1, p, 0.999999)).toBe(10_000)
    expect(retryDelayMs(2, p, 0)).toBe(10_000)
    expect(retryDelayMs(4, p, 0.5)).toBe(60_000)
    expect(retryDelayMs(20, p, 0.999999)).toBe(p.capMs)
    expect(retryDelayMs(20, p, 0)).toBe(p.capMs / 2)
  })

  it.each([
    ['retries a retryable failure', { createdAt: 0 }, 1000, true, true],
    ['retries one just short of a day old', { createdAt: 0 }, 24 * 3_600_000 - 1, true, true],
    ['stops when the entry is a day old', { createdAt: 0 }, 24 * 3_600_000, true, false],
    ['never retries a permanent failure', { createdAt: 0 }, 1000, false, false],
  ] as const)('%s', (_, entry, now, retryable, expected) => {
    expect(shouldRetry(entry, now, DEFAULT_RETRY_POLICY, retryable)).toBe(expected)
  })
})
