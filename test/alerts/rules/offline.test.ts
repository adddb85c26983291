import { describe, expect, it } from 'vitest'
import {
  brief,
  device,
  display,
  local,
  pile,
  room,
  run,
  SEC,
  type Step,
  settings,
  status,
  tick,
} from './rules-support.ts'

const T0 = local('2026-07-06T14:00:00')
const ROOM = device('daycare-sensor', 60)
const PILE = device('charging-pile', 60)
const live = (step: Step, arrivalMs: number): Step => ({ ...(step as { msg: never }), arrivalMs })
const reading = (arrivalMs: number) => live(room(arrivalMs - 2 * SEC, { co2Ppm: 600 }), arrivalMs)

describe('device_offline', () => {
  const cases: { name: string; dev: typeof ROOM; steps: Step[]; expected: ReturnType<typeof brief> }[] = [
    {
      name: 'no message for 3 report intervals raises a warning at the moment the timeout ran out',
      dev: ROOM,
      steps: [reading(T0), tick(T0 + 179 * SEC), tick(T0 + 185 * SEC)],
      expected: [{ action: 'raise', type: 'device_offline', severity: 'warning', at: T0 + 180 * SEC }],
    },
    {
      name: 'a silent charging pile raises major',
      dev: PILE,
      steps: [live(pile(T0), T0), tick(T0 + 200 * SEC)],
      expected: [{ action: 'raise', type: 'device_offline', severity: 'major', at: T0 + 180 * SEC }],
    },
    {
      name: 'a device that reports in time raises nothing (near miss)',
      dev: ROOM,
      steps: [reading(T0), tick(T0 + 170 * SEC), reading(T0 + 175 * SEC), tick(T0 + 300 * SEC)],
      expected: [],
    },
    {
      name: 'a Will offline held 2 minutes raises, before the report-interval timeout',
      dev: ROOM,
      steps: [
        reading(T0),
        status('daycare-sensor', false, T0 + 10 * SEC),
        tick(T0 + 129 * SEC),
        tick(T0 + 131 * SEC),
      ],
      expected: [{ action: 'raise', type: 'device_offline', severity: 'warning', at: T0 + 130 * SEC }],
    },
    {
      name: 'a Will offline followed by online within 2 minutes raises nothing (near miss)',
      dev: ROOM,
      steps: [
        reading(T0),
        status('daycare-sensor', false, T0 + 10 * SEC),
        status('daycare-sensor', true, T0 + 40 * SEC),
        tick(T0 + 140 * SEC),
        reading(T0 + 60 * SEC),
        tick(T0 + 200 * SEC),
      ],
      expected: [],
    },
    {
      name: 'a repeated Will does not push the hold back',
      dev: ROOM,
      steps: [
        status('daycare-sensor', false, T0),
        status('daycare-sensor', false, T0 + 60 * SEC),
        tick(T0 + 125 * SEC),
      ],
      expected: [{ action: 'raise', type: 'device_offline', severity: 'warning', at: T0 + 120 * SEC }],
    },
    {
      name: 'raises once however often the clock ticks, and any message clears it at its arrival',
      dev: ROOM,
      steps: [
        reading(T0),
        tick(T0 + 200 * SEC),
        tick(T0 + 400 * SEC),
        tick(T0 + 600 * SEC),
        live(display(T0 - 3600 * SEC), T0 + 700 * SEC),
        tick(T0 + 800 * SEC),
      ],
      expected: [
        { action: 'raise', type: 'device_offline', severity: 'warning', at: T0 + 180 * SEC },
        { action: 'clear', type: 'device_offline', at: T0 + 700 * SEC },
      ],
    },
    {
      name: 'a status online is a message and clears too',
      dev: ROOM,
      steps: [reading(T0), tick(T0 + 200 * SEC), status('daycare-sensor', true, T0 + 300 * SEC)],
      expected: [
        { action: 'raise', type: 'device_offline', severity: 'warning', at: T0 + 180 * SEC },
        { action: 'clear', type: 'device_offline', at: T0 + 300 * SEC },
      ],
    },
    {
      name: 'a device never heard from is not judged (nothing to time from)',
      dev: ROOM,
      steps: [tick(T0 + 3600 * SEC)],
      expected: [],
    },
  ]
  for (const c of cases) it(c.name, () => expect(brief(run(c.dev, c.steps).signals)).toEqual(c.expected))

  it('follows the device’s report interval and an overridden multiple', () => {
    const slow = device('daycare-sensor', 300)
    const steps = [reading(T0), tick(T0 + 899 * SEC), tick(T0 + 901 * SEC)]
    expect(brief(run(slow, steps).signals)).toEqual([
      { action: 'raise', type: 'device_offline', severity: 'warning', at: T0 + 900 * SEC },
    ])
    const strict = [reading(T0), tick(T0 + 601 * SEC)]
    expect(brief(run(slow, strict, settings({ offlineIntervals: 2 })).signals)).toEqual([
      { action: 'raise', type: 'device_offline', severity: 'warning', at: T0 + 600 * SEC },
    ])
  })

  it('carries when the device was last heard and the interval it missed, or when it disconnected', () => {
    const silent = run(ROOM, [reading(T0), tick(T0 + 185 * SEC)]).signals[0]!
    expect(silent.action === 'raise' && silent.evidence).toEqual({
      reason: 'silent',
      lastMessageAt: T0,
      reportIntervalS: 60,
      intervals: 3,
    })
    const will = run(ROOM, [
      reading(T0),
      status('daycare-sensor', false, T0 + 10 * SEC),
      tick(T0 + 131 * SEC),
    ]).signals[0]!
    expect(will.action === 'raise' && will.evidence).toEqual({
      reason: 'will',
      disconnectedAt: T0 + 10 * SEC,
      holdS: 120,
      lastMessageAt: T0,
    })
    // a Will from a device not heard from since the engine started: no last message to name
    const never = run(ROOM, [status('daycare-sensor', false, T0), tick(T0 + 121 * SEC)]).signals[0]!
    expect(never.action === 'raise' && never.evidence).toEqual({
      reason: 'will',
      disconnectedAt: T0,
      holdS: 120,
    })
  })

  it('keeps the timeout on arrival time: a backfill of old readings counts as the device speaking now', () => {
    const steps = [live(room(T0 - 86_400_000, { co2Ppm: 600 }), T0), tick(T0 + 170 * SEC)]
    expect(run(ROOM, steps).signals).toEqual([])
  })
})
