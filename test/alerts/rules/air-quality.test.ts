import { describe, expect, it } from 'vitest'
import { judgeAir } from '../../../alerts/rules/air-quality.ts'
import { catalogueSettings } from '../../../alerts/settings.ts'
import type { DaycareSensorTelemetry } from '../../../domain/protocol.ts'
import { brief, device, local, MIN, perMinute, repeat, room, run, settings } from './rules-support.ts'

const SUMMER = local('2026-07-06T09:00:00')
const WINTER = local('2026-01-12T09:00:00')
const ROOM = device('daycare-sensor')
const FINE = { co2Ppm: 700, pm25Ugm3: 20, tempC: 24, humidityPct: 50 }
type Air = Partial<typeof FINE>

const series = (from: number, values: (Air | undefined)[]) =>
  perMinute(from, values, (ts, v) => room(ts, { ...FINE, ...v }))
const at = (from: number, minute: number) => from + minute * MIN

describe('air_quality', () => {
  const cases: {
    name: string
    from: number
    values: (Air | undefined)[]
    expected: ReturnType<typeof brief>
  }[] = [
    {
      name: 'CO2 over 1000 ppm held 15 minutes raises a warning at the reading that completes them',
      from: SUMMER,
      values: repeat({ co2Ppm: 1100 }, 16),
      expected: [{ action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) }],
    },
    {
      name: 'CO2 over 1000 ppm for 14 minutes raises nothing (near miss)',
      from: SUMMER,
      values: [...repeat({ co2Ppm: 1100 }, 15), {}],
      expected: [],
    },
    {
      name: 'CO2 at exactly 1000 ppm for an hour raises nothing (near miss)',
      from: SUMMER,
      values: repeat({ co2Ppm: 1000 }, 60),
      expected: [],
    },
    {
      name: 'CO2 at 1500 ppm held 15 minutes raises major',
      from: SUMMER,
      values: repeat({ co2Ppm: 1500 }, 16),
      expected: [{ action: 'raise', type: 'air_quality', severity: 'major', at: at(SUMMER, 15) }],
    },
    {
      name: 'a warning rises to major once CO2 ≥ 1500 has held 15 minutes too',
      from: SUMMER,
      values: [...repeat({ co2Ppm: 1200 }, 16), ...repeat({ co2Ppm: 1600 }, 16)],
      expected: [
        { action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) },
        { action: 'raise', type: 'air_quality', severity: 'major', at: at(SUMMER, 31) },
      ],
    },
    {
      name: 'PM2.5 over 75 held 15 minutes raises a warning',
      from: SUMMER,
      values: repeat({ pm25Ugm3: 80 }, 16),
      expected: [{ action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) }],
    },
    {
      name: '27 °C is inside the summer band (near miss)',
      from: SUMMER,
      values: repeat({ tempC: 27 }, 30),
      expected: [],
    },
    {
      name: '27 °C is outside the winter band and raises',
      from: WINTER,
      values: repeat({ tempC: 27 }, 16),
      expected: [{ action: 'raise', type: 'air_quality', severity: 'warning', at: at(WINTER, 15) }],
    },
    {
      name: 'humidity 70 % is fine in summer but outside the winter band',
      from: WINTER,
      values: repeat({ humidityPct: 70 }, 16),
      expected: [{ action: 'raise', type: 'air_quality', severity: 'warning', at: at(WINTER, 15) }],
    },
    {
      name: '20 °C in summer is too cold and raises',
      from: SUMMER,
      values: repeat({ tempC: 20 }, 16),
      expected: [{ action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) }],
    },
    {
      name: 'clears after 10 minutes back inside the limits',
      from: SUMMER,
      values: [...repeat({ co2Ppm: 1100 }, 16), ...repeat({}, 11)],
      expected: [
        { action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) },
        { action: 'clear', type: 'air_quality', at: at(SUMMER, 26) },
      ],
    },
    {
      name: 'hovering at 1000 ppm (999 / 1001) never raises',
      from: SUMMER,
      values: Array.from({ length: 120 }, (_, i) => ({ co2Ppm: i % 2 ? 1001 : 999 })),
      expected: [],
    },
    {
      name: 'once raised, hovering at 1000 ppm never clears',
      from: SUMMER,
      values: [
        ...repeat({ co2Ppm: 1100 }, 16),
        ...Array.from({ length: 60 }, (_, i) => ({ co2Ppm: i % 2 ? 1001 : 999 })),
      ],
      expected: [{ action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) }],
    },
    {
      name: 'missing minutes do not reset the hold',
      from: SUMMER,
      values: [...repeat({ co2Ppm: 1100 }, 5), undefined, undefined, ...repeat({ co2Ppm: 1100 }, 9)],
      expected: [{ action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) }],
    },
  ]
  for (const c of cases)
    it(c.name, () => expect(brief(run(ROOM, series(c.from, c.values)).signals)).toEqual(c.expected))

  it('takes the season from the local date: 1 May 00:30 in UTC+8 is still 30 April in UTC', () => {
    const cfg = catalogueSettings(settings())
    const ts = local('2026-05-01T00:30:00')
    const reading: DaycareSensorTelemetry = { ts, seq: 1, kind: 'daycare-sensor', humidityPct: 70 }
    // summer band (40–80 %): fine; the winter band would have flagged it
    expect(judgeAir(reading, cfg).breaches).toEqual([])
  })

  it('says what is wrong in the message', () => {
    const { signals } = run(ROOM, series(WINTER, repeat({ co2Ppm: 1234, humidityPct: 70 }, 16)))
    expect(signals[0]!.message).toBe('activity: CO2 1234 ppm > 1000; humidity 70 % outside 30–60 (winter)')
    expect(signals[0]!.value).toBe(1234)
  })

  it('carries what was out of bounds in figures, and since when, for the console to say in its language', () => {
    const { signals } = run(ROOM, series(SUMMER, repeat({ co2Ppm: 1240, tempC: 29.5, pm25Ugm3: 80 }, 16)))
    expect(signals[0]!.action === 'raise' && signals[0]!.evidence).toEqual({
      breaches: [
        { measure: 'co2Ppm', value: 1240, max: 1000, majorFrom: 1500 },
        { measure: 'pm25Ugm3', value: 80, max: 75 },
        { measure: 'tempC', value: 29.5, min: 22, max: 28, season: 'summer' },
      ],
      since: SUMMER,
      room: 'activity',
    })
    const winter = run(ROOM, series(WINTER, [...repeat({}, 3), ...repeat({ humidityPct: 25 }, 16)])).signals
    expect(winter[0]!.action === 'raise' && winter[0]!.evidence).toEqual({
      breaches: [{ measure: 'humidityPct', value: 25, min: 30, max: 60, season: 'winter' }],
      since: at(WINTER, 3),
      room: 'activity',
    })
  })

  it('on rising to major, the evidence is the new reading and still says since when the air was bad', () => {
    const { signals } = run(
      ROOM,
      series(SUMMER, [...repeat({ co2Ppm: 1200 }, 16), ...repeat({ co2Ppm: 1600 }, 16)]),
    )
    expect(signals.map((x) => x.action === 'raise' && [x.severity, x.evidence])).toEqual([
      [
        'warning',
        {
          breaches: [{ measure: 'co2Ppm', value: 1200, max: 1000, majorFrom: 1500 }],
          since: SUMMER,
          room: 'activity',
        },
      ],
      [
        'major',
        {
          breaches: [{ measure: 'co2Ppm', value: 1600, max: 1000, majorFrom: 1500 }],
          since: SUMMER,
          room: 'activity',
        },
      ],
    ])
  })

  it('follows overridden season months and bands', () => {
    const cfg = settings({ airSummerMonths: [6, 7, 8], airSummerBand: { tempMaxC: 26 } })
    const steps = series(SUMMER, repeat({ tempC: 27 }, 16))
    expect(brief(run(ROOM, steps, cfg).signals)).toEqual([
      { action: 'raise', type: 'air_quality', severity: 'warning', at: at(SUMMER, 15) },
    ])
  })
})
