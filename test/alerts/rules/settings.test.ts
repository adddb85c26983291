import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import {
  AlertSettingsOverride,
  catalogueSettings,
  DEFAULT_ALERT_SETTINGS,
  resolveSettings,
  strayWireParams,
} from '../../../alerts/settings.ts'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../../alerts/stray-wire-types.ts'

describe('DEFAULT_ALERT_SETTINGS', () => {
  it('carries the catalogue’s thresholds, hold and clear times', () => {
    expect(DEFAULT_ALERT_SETTINGS).toMatchObject({
      smokeClearHoldS: 120,
      portOverheatMajorC: 65,
      portOverheatCriticalC: 75,
      portOverheatHoldS: 60,
      portOverheatClearC: 55,
      portOverheatClearHoldS: 300,
      leakageCriticalMA: 30,
      leakageClearMA: 15,
      leakageClearHoldS: 300,
      airCo2Ppm: 1000,
      airCo2MajorPpm: 1500,
      airPm25Ugm3: 75,
      airSummerMonths: [5, 6, 7, 8, 9],
      airSummerBand: { tempMinC: 22, tempMaxC: 28, humidityMinPct: 40, humidityMaxPct: 80 },
      airWinterBand: { tempMinC: 16, tempMaxC: 24, humidityMinPct: 30, humidityMaxPct: 60 },
      airHoldS: 900,
      airClearHoldS: 600,
      displayBlankHoldS: 120,
      displayOverheatMajorC: 60,
      displayOverheatCriticalC: 70,
      displayOverheatHoldS: 120,
      displayOverheatClearC: 55,
      displayOverheatClearHoldS: 300,
      displaySupplyMinV: 4.5,
      displaySupplyMaxV: 5.5,
      displayHardwareClearHoldS: 300,
      fallMinConfidence: 0.7,
      offlineIntervals: 3,
      offlineWillHoldS: 120,
    })
  })

  it('takes the stray-wire parameters from the detector, with the site’s local time', () => {
    expect(strayWireParams(DEFAULT_ALERT_SETTINGS)).toEqual(DEFAULT_STRAY_WIRE_PARAMS)
    expect(strayWireParams({ ...DEFAULT_ALERT_SETTINGS, utcOffsetMin: 420 }).utcOffsetMin).toBe(420)
  })

  it('is a valid body for the alert-settings routes', () => {
    expect(Value.Check(AlertSettingsOverride, DEFAULT_ALERT_SETTINGS)).toBe(true)
  })
})

describe('AlertSettingsOverride', () => {
  const cases: { name: string; body: unknown; ok: boolean }[] = [
    { name: 'an empty body', body: {}, ok: true },
    { name: 'one threshold', body: { portOverheatMajorC: 70 }, ok: true },
    { name: 'part of a season band', body: { airSummerBand: { tempMaxC: 27 } }, ok: true },
    { name: 'one stray-wire parameter', body: { strayWire: { minStepW: 100 } }, ok: true },
    {
      name: 'operating hours and both kinds of maintenance window',
      body: {
        operatingHours: [{ startMin: 360, endMin: 1380, days: [1, 2, 3, 4, 5] }],
        maintenanceWindows: [
          { startMin: 120, endMin: 240 },
          { from: 1, to: 2 },
        ],
      },
      ok: true,
    },
    { name: 'an unknown field', body: { portOverheatMajorF: 150 }, ok: false },
    { name: 'a hold time as text', body: { airHoldS: '15m' }, ok: false },
    { name: 'a negative hold time', body: { airHoldS: -1 }, ok: false },
    { name: 'a weekday 8', body: { operatingHours: [{ startMin: 0, endMin: 60, days: [8] }] }, ok: false },
    { name: 'a fall confidence over 1', body: { fallMinConfidence: 1.2 }, ok: false },
    { name: 'an unknown stray-wire parameter', body: { strayWire: { utcOffsetMin: 0 } }, ok: false },
  ]
  for (const c of cases) {
    it(`${c.ok ? 'accepts' : 'rejects'} ${c.name}`, () => {
      expect(Value.Check(AlertSettingsOverride, c.body)).toBe(c.ok)
    })
  }
})

describe('resolveSettings', () => {
  it('deep-merges defaults ← site ← device, the device winning', () => {
    const r = resolveSettings(
      DEFAULT_ALERT_SETTINGS,
      { portOverheatMajorC: 62, airSummerBand: { tempMaxC: 27 }, strayWire: { minStepW: 100 } },
      { portOverheatMajorC: 60, airSummerBand: { humidityMaxPct: 70 } },
    )
    expect(r.portOverheatMajorC).toBe(60)
    expect(r.airSummerBand).toEqual({ tempMinC: 22, tempMaxC: 27, humidityMinPct: 40, humidityMaxPct: 70 })
    expect(r.strayWire).toEqual({ ...DEFAULT_ALERT_SETTINGS.strayWire, minStepW: 100 })
    expect(r.portOverheatCriticalC).toBe(75)
  })

  it('replaces windows and month lists as a whole', () => {
    const r = resolveSettings(
      DEFAULT_ALERT_SETTINGS,
      {
        operatingHours: [
          { startMin: 0, endMin: 60 },
          { startMin: 120, endMin: 180 },
        ],
        airSummerMonths: [6, 7, 8],
      },
      { operatingHours: [{ startMin: 600, endMin: 700 }] },
    )
    expect(r.operatingHours).toEqual([{ startMin: 600, endMin: 700 }])
    expect(r.airSummerMonths).toEqual([6, 7, 8])
  })

  it('leaves the defaults untouched', () => {
    const before = JSON.stringify(DEFAULT_ALERT_SETTINGS)
    resolveSettings(DEFAULT_ALERT_SETTINGS, { airWinterBand: { tempMinC: 10 } }, { strayWire: { quietW: 1 } })
    expect(JSON.stringify(DEFAULT_ALERT_SETTINGS)).toBe(before)
  })

  it('gives the rules every field even from a partial settings object', () => {
    const c = catalogueSettings({ utcOffsetMin: 420, portOverheatMajorC: 66 })
    expect(c.portOverheatMajorC).toBe(66)
    expect(c.utcOffsetMin).toBe(420)
    expect(c.airClearHoldS).toBe(600)
    expect(c.strayWire.minStepW).toBe(DEFAULT_STRAY_WIRE_PARAMS.minStepW)
  })
})
