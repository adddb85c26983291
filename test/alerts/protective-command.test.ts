import { describe, expect, it } from 'vitest'
import { formatAge, PROTECTIVE_MAX_AGE_MS, protectiveVerdict } from '../../alerts/protective-command.ts'

const NOW = Date.UTC(2026, 5, 1, 11)
const MIN = 60_000

describe('protectiveVerdict', () => {
  it.each([
    ['an open alert, a reading seconds old', 'active', NOW - 5_000, { send: true }],
    [
      'an acknowledged alert, a reading 2 min old',
      'acknowledged',
      NOW - PROTECTIVE_MAX_AGE_MS,
      { send: true },
    ],
    ['a reading from a device clock a little ahead', 'active', NOW + MIN, { send: true }],
    ['a reading 3 min old', 'active', NOW - 3 * MIN, { send: false, reason: 'the reading was 3 min old' }],
    [
      'an alert a later reading of the batch cleared',
      'cleared',
      NOW - 10_000,
      { send: false, reason: 'the alert was already cleared' },
    ],
    [
      'both',
      'cleared',
      NOW - 3 * 60 * MIN,
      { send: false, reason: 'the alert was already cleared; the reading was 3 h old' },
    ],
  ] as const)('%s', (_, state, at, want) => {
    expect(protectiveVerdict({ state }, at, NOW)).toEqual(want)
  })

  it('sends nothing for an alert that is not stored', () => {
    expect(protectiveVerdict(undefined, NOW, NOW)).toEqual({
      send: false,
      reason: 'the alert was already cleared',
    })
  })

  it('says an age in the coarsest unit that still tells', () => {
    expect([90_000, 3 * MIN, 3 * 60 * MIN, 3 * 24 * 60 * MIN].map(formatAge)).toEqual([
      '90 s',
      '3 min',
      '3 h',
      '3 d',
    ])
  })
})
