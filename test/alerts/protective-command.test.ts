import { describe, expect, it } from 'vitest'
import {
  attemptOutcome,
  formatAge,
  PROTECTIVE_MAX_AGE_MS,
  planProtective,
  protectiveCommandId,
  protectiveVerdict,
} from '../../alerts/protective-command.ts'
import type { AlertTransition } from '../../domain/alerts.ts'
import { CourtyardError } from '../../domain/errors.ts'

const NOW = Date.UTC(2026, 5, 1, 11)
const MIN = 60_000

describe('protectiveVerdict', () => {
  it.each([
    ['an open alert, a reading seconds old', 'active', NOW - 5_000, { send: true }],
    [
      'an acknowledged alert, a reading 5 min old',
      'acknowledged',
      NOW - PROTECTIVE_MAX_AGE_MS,
      { send: true },
    ],
    ['a reading from a device clock a little ahead', 'active', NOW + MIN, { send: true }],
    ['a reading 6 min old', 'active', NOW - 6 * MIN, { send: false, reason: 'the reading was 6 min old' }],
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

describe('planProtective', () => {
  const alert = { id: 'al-1', state: 'active', severity: 'critical' } as const
  const args = { port: 1, reason: 'overheat 80 °C' }
  const step = (atMin: number, outcome: string, attempt?: number, name = 'stop_port'): AlertTransition => ({
    alertId: 'al-1',
    kind: 'command',
    at: NOW + atMin * MIN,
    by: 'auto',
    detail: { name, outcome, ...(attempt === undefined ? {} : { attempt }) },
  })
  const plan = (o: Partial<Parameters<typeof planProtective>[0]>) =>
    planProtective({
      alert,
      name: 'stop_port',
      args,
      decidedAt: NOW - 10_000,
      nowMs: NOW,
      steps: [],
      retry: true,
      inFlight: false,
      ...o,
    })
  const send = (attempt: number) => ({
    kind: 'send',
    attempt,
    id: protectiveCommandId('al-1', 'stop_port', attempt, args),
  })

  it.each([
    ['the first ask', { retry: false }, send(1)],
    ['a retry whose first ask a crash lost', {}, send(1)],
    ['a retry after a skipped first ask (stale reading)', { steps: [step(-3, 'skipped')] }, send(1)],
    ['a retry 1 min after one failure', { steps: [step(-1, 'timeout', 1)] }, send(2)],
    [
      'a retry 59 s after one failure',
      { nowMs: NOW - 1000, steps: [step(-1, 'timeout', 1)] },
      { kind: 'wait' },
    ],
    [
      'a retry 2 min after two failures',
      { steps: [step(-3, 'timeout', 1), step(-2, 'offline', 2)] },
      send(3),
    ],
    [
      'a retry 4 min after three failures',
      { steps: [step(-6, 'timeout', 1), step(-5, 'offline', 2), step(-4, 'refused', 3)] },
      { kind: 'wait' },
    ],
    [
      'a retry 5 min after the fourth failure',
      { steps: [1, 2, 3, 4].map((n) => step(-25 + 5 * n, 'timeout', n)) },
      send(5),
    ],
    ['after an ok', { steps: [step(-10, 'timeout', 1), step(-9, 'ok', 2)] }, { kind: 'wait' }],
    ['another command’s ok does not count', { steps: [step(-10, 'ok', 1, 'disable_port')] }, send(1)],
    ['while an attempt waits for its answer', { inFlight: true }, { kind: 'wait' }],
    ['a retry from a stale reading', { decidedAt: NOW - 6 * MIN }, { kind: 'wait' }],
    ['a retry for a cleared alert', { alert: { ...alert, state: 'cleared' } }, { kind: 'wait' }],
    ['a retry for a major alert', { alert: { ...alert, severity: 'major' } }, { kind: 'wait' }],
    [
      'the first ask from a stale reading',
      { retry: false, decidedAt: NOW - 6 * MIN },
      { kind: 'not_sent', reason: 'the reading was 6 min old' },
    ],
  ] as const)('%s', (_, o, want) => {
    expect(plan(o as Partial<Parameters<typeof planProtective>[0]>)).toEqual(want)
  })

  it('gives another id to the same attempt with other arguments (the command service would refuse it)', () => {
    expect(protectiveCommandId('al-1', 'stop_port', 1, args)).not.toBe(
      protectiveCommandId('al-1', 'stop_port', 1, { ...args, reason: 'overheat 81 °C' }),
    )
  })
})

describe('attemptOutcome', () => {
  it.each([
    ['an ack', { result: { id: 'c', ok: true } }, { outcome: 'ok' }],
    [
      'a device error',
      { result: { id: 'c', ok: false, error: 'relay stuck', result: 'error' } },
      { outcome: 'refused', error: 'relay stuck' },
    ],
    [
      'no ack',
      { result: { id: 'c', ok: false, error: 'timeout', result: 'timeout' } },
      { outcome: 'timeout', error: 'timeout' },
    ],
    [
      'no ack, from a sender that does not say how',
      { result: { id: 'c', ok: false, error: 'timeout' } },
      { outcome: 'timeout', error: 'timeout' },
    ],
    [
      'a device error named like nothing we know',
      { result: { id: 'c', ok: false, error: 'busy' } },
      { outcome: 'refused', error: 'busy' },
    ],
    [
      'the broker did not take it',
      { result: { id: 'c', ok: false, error: 'x', result: 'not_sent' } },
      { outcome: 'not_sent', error: 'x' },
    ],
    [
      'the service stopped waiting',
      { result: { id: 'c', ok: false, error: 'x', result: 'interrupted' } },
      { outcome: 'interrupted', error: 'x' },
    ],
    [
      'the device is not connected',
      { error: new CourtyardError('DEVICE_OFFLINE', 'pile-1 is not connected') },
      { outcome: 'offline', error: 'pile-1 is not connected' },
    ],
    [
      'the same, as it crosses from the main thread',
      { error: Object.assign(new Error('gone'), { code: 'DEVICE_OFFLINE' }) },
      { outcome: 'offline', error: 'gone' },
    ],
    [
      'any other throw',
      { error: new CourtyardError('NOT_READY', 'no broker') },
      { outcome: 'not_sent', error: 'no broker' },
    ],
  ] as const)('%s', (_, answer, want) => {
    expect(attemptOutcome(answer as Parameters<typeof attemptOutcome>[0])).toEqual(want)
  })
})
