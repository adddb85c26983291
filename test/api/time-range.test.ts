import { describe, expect, it } from 'vitest'
import { bucketCount, parseEvery, parseInstant, resolveRange } from '../../api/time-range.ts'
import { isCourtyardError } from '../../domain/errors.ts'

const codeOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return isCourtyardError(e) ? e.code : 'other'
  }
  return undefined
}

describe('parseInstant', () => {
  it.each([
    ['1763712000000', 1763712000000],
    ['0', 0],
    ['2025-11-21T08:00:00Z', Date.UTC(2025, 10, 21, 8)],
    ['2025-11-21T08:00:00.250Z', Date.UTC(2025, 10, 21, 8, 0, 0, 250)],
    ['2025-11-21T16:00:00+08:00', Date.UTC(2025, 10, 21, 8)],
    ['2025-11-21', Date.UTC(2025, 10, 21)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2026-12-31', Date.UTC(2026, 11, 31)],
  ])('reads %s', (input, ms) => {
    expect(parseInstant(input, 'from')).toBe(ms)
  })

  it.each([
    ['yesterday'],
    ['2025-13-45T00:00:00Z'],
    ['2026-11-31T00:00:00Z'],
    ['2026-02-29'],
    ['2026-04-31T08:00:00+08:00'],
    ['1e12'],
    ["1'; DROP DATABASE x"],
    [''],
  ])('refuses %j with a BAD_REQUEST', (input) => {
    expect(codeOf(() => parseInstant(input, 'from'))).toBe('BAD_REQUEST')
  })
})

describe('resolveRange', () => {
  const now = 1_763_712_000_000
  it('defaults to the 24 hours before now', () => {
    expect(resolveRange({}, now)).toEqual({ fromMs: now - 86_400_000, toMs: now })
  })
  it('defaults from to 24 hours before an explicit to', () => {
    expect(resolveRange({ to: '1000000000000' }, now)).toEqual({
      fromMs: 1000000000000 - 86_400_000,
      toMs: 1000000000000,
    })
  })
  it('refuses from later than to', () => {
    expect(codeOf(() => resolveRange({ from: String(now), to: String(now - 1) }, now))).toBe('BAD_REQUEST')
  })
})

describe('parseEvery', () => {
  it.each([
    ['30s', 30_000, '30s'],
    ['5m', 300_000, '5m'],
    ['1h', 3_600_000, '1h'],
    ['1d', 86_400_000, '1d'],
  ])('reads %s', (input, ms, literal) => {
    expect(parseEvery(input)).toEqual({ ms, literal })
  })
  it.each([['0s'], ['5'], ['5 m'], ['1w'], ['1h); DROP DATABASE x'], ['-5m'], ['1.5h']])(
    'refuses %j',
    (input) => {
      expect(codeOf(() => parseEvery(input))).toBe('BAD_REQUEST')
    },
  )
  it('counts the GROUP BY time buckets over a range', () => {
    expect(bucketCount({ fromMs: 0, toMs: 3_600_000 - 1 }, parseEvery('5m'))).toBe(12)
    expect(bucketCount({ fromMs: 60_000, toMs: 3_600_000 }, parseEvery('5m'))).toBe(13)
  })
})
