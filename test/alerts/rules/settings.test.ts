import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import {
  AlertSettingsOverride,
  catalogueSettings,
  DEFAULT_ALERT_SETTINGS,
  resolveSettings,
  strayWireParams,
  unworkableAtSite,
} from '../../../alerts/settings.ts'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../../alerts/stray-wire-types.ts'

/** The catalogue table of docs/domain.md: the defaults are read from the document, not copied from the code. */
const CATALOGUE = readFileSync(join(import.meta.dirname, '../../../docs/domain.md'), 'utf8')
function row(type: string): string {
  const line = CATALOGUE.split('\n').find((l) => l.startsWith(`| \`${type}\` |`))
  if (!line) throw new Error(`docs/domain.md has no catalogue row for ${type}`)
  return line
}
/** The numbers `re` captures in the catalogue row of `type`. */
function nums(type: string, re: RegExp): number[] {
  const m = row(type).match(re)
  if (!m) throw new Error(`catalogue row ${type} does not match ${re}`)
  return m.slice(1).map(Number)
}
const MIN_S = 60

describe('DEFAULT_ALERT_SETTINGS', () => {
  it('carries the thresholds, hold and clear times of the catalogue in docs/domain.md', () => {
    const [overMajor, overCritical] = nums('port_overheat', /major ≥ (\d+) °C, critical ≥ (\d+) °C/)
    const [overHold] = nums('port_overheat', /held for (\d+) min/)
    const [overClear, overClearHold] = nums('port_overheat', /< (\d+) °C for (\d+) min/)
    const [leak] = nums('leakage', /≥ (\d+)/)
    const [leakClear, leakClearHold] = nums('leakage', /< (\d+) for (\d+) min/)
    const [co2Major] = nums('air_quality', /major if CO2 ≥ (\d+)/)
    const [co2, pm25] = nums('air_quality', /CO2 > (\d+) ppm, PM2\.5 > (\d+)/)
    const [airHold] = nums('air_quality', /held (\d+) min/)
    const [airClearHold] = nums('air_quality', /band for (\d+) min/)
    const [dispMajor, dispCritical] = nums('display_overheat', /major ≥ (\d+) °C, critical ≥ (\d+) °C/)
    const [dispHold] = nums('display_overheat', /held (\d+) min/)
    const [dispClear, dispClearHold] = nums('display_overheat', /< (\d+) °C for (\d+) min/)
    const [supplyMin, supplyMax] = nums('display_hardware', /outside ([\d.]+)–([\d.]+)/)
    const [hwClearHold] = nums('display_hardware', /for (\d+) min/)
    const [blankHold] = nums('display_blank', /held (\d+) min/)
    const [smokeClearHold] = nums('smoke', /for (\d+) min/)
    const [fallConfidence] = nums('fall_detected', /≥ ([\d.]+)/)
    const [intervals] = nums('device_offline', /(\d+) × the report interval/)
    const [willHold] = nums('device_offline', /held for (\d+) min/)
    expect(DEFAULT_ALERT_SETTINGS).toMatchObject({
      smokeClearHoldS: smokeClearHold! * MIN_S,
      portOverheatMajorC: overMajor,
      portOverheatCriticalC: overCritical,
      portOverheatHoldS: overHold! * MIN_S,
      portOverheatClearC: overClear,
      portOverheatClearHoldS: overClearHold! * MIN_S,
      leakageCriticalMA: leak,
      leakageClearMA: leakClear,
      leakageClearHoldS: leakClearHold! * MIN_S,
      airCo2Ppm: co2,
      airCo2MajorPpm: co2Major,
      airPm25Ugm3: pm25,
      airHoldS: airHold! * MIN_S,
      airClearHoldS: airClearHold! * MIN_S,
      displayBlankHoldS: blankHold! * MIN_S,
      displayOverheatMajorC: dispMajor,
      displayOverheatCriticalC: dispCritical,
      displayOverheatHoldS: dispHold! * MIN_S,
      displayOverheatClearC: dispClear,
      displayOverheatClearHoldS: dispClearHold! * MIN_S,
      displaySupplyMinV: supplyMin,
      displaySupplyMaxV: supplyMax,
      displayHardwareClearHoldS: hwClearHold! * MIN_S,
      fallMinConfidence: fallConfidence,
      offlineIntervals: intervals,
      offlineWillHoldS: willHold! * MIN_S,
    })
  })

  it('takes the stray-wire parameters from the detector, with the site’s local time', () => {
    expect(strayWireParams(DEFAULT_ALERT_SETTINGS)).toEqual(DEFAULT_STRAY_WIRE_PARAMS)
    expect(strayWireParams({ ...DEFAULT_ALERT_SETTINGS, utcOffsetMin: 420 }).utcOffsetMin).toBe(420)
    const lights = [{ onMin: 18 * 60, offMin: 6 * 60 }]
    const site = resolveSettings(DEFAULT_ALERT_SETTINGS, { strayWire: { lightingSchedule: lights } })
    expect(strayWireParams(catalogueSettings(site)).lightingSchedule).toEqual(lights)
  })

  it('computes dusk where the site says its lights follow it and the engine attached the site’s location', () => {
    const at = { strayWireSite: { lat: 39.9, lon: 116.4 } }
    const dusk = resolveSettings(DEFAULT_ALERT_SETTINGS, {
      strayWire: { lightsAtDusk: true, duskOffsetMin: 15 },
    })
    expect(strayWireParams(catalogueSettings({ ...dusk, ...at })).duskLights).toEqual({
      lat: 39.9,
      lon: 116.4,
      offsetMin: 15,
    })
    // the location alone (every site with one) says nothing about its lights
    expect(
      strayWireParams(catalogueSettings({ ...DEFAULT_ALERT_SETTINGS, ...at })).duskLights,
    ).toBeUndefined()
    // the setting without a location has nothing to compute dusk from
    expect(strayWireParams(catalogueSettings(dusk)).duskLights).toBeUndefined()
  })

  it('says lights that follow dusk cannot work at a site without a location, and nothing else', () => {
    const dusk = resolveSettings(DEFAULT_ALERT_SETTINGS, { strayWire: { lightsAtDusk: true } })
    expect(unworkableAtSite(dusk, undefined)).toMatch(/lightsAtDusk needs the site's location/)
    expect(unworkableAtSite(dusk, { lat: 39.9, lon: 116.4 })).toBeUndefined()
    // a timer needs no location; nor does the setting turned off again by a device's override
    const timer = resolveSettings(DEFAULT_ALERT_SETTINGS, {
      strayWire: { lightingSchedule: [{ onMin: 18 * 60, offMin: 6 * 60 }] },
    })
    expect(unworkableAtSite(timer, undefined)).toBeUndefined()
    const off = resolveSettings(
      DEFAULT_ALERT_SETTINGS,
      { strayWire: { lightsAtDusk: true } },
      {
        strayWire: { lightsAtDusk: false },
      },
    )
    expect(unworkableAtSite(off, undefined)).toBeUndefined()
    expect(unworkableAtSite(DEFAULT_ALERT_SETTINGS, undefined)).toBeUndefined()
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
    {
      name: "a site's lighting schedule (timer-switched lights)",
      body: { strayWire: { lightingSchedule: [{ onMin: 18 * 60, offMin: 6 * 60 }] } },
      ok: true,
    },
    {
      name: 'a lighting schedule past the end of the day',
      body: { strayWire: { lightingSchedule: [{ onMin: 1500, offMin: 60 }] } },
      ok: false,
    },
    {
      name: 'lights that switch at dusk',
      body: { strayWire: { lightsAtDusk: true, duskOffsetMin: -20 } },
      ok: true,
    },
    { name: 'a dusk offset of more than two hours', body: { strayWire: { duskOffsetMin: 180 } }, ok: false },
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
