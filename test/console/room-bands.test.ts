// The day-care page's judgement of a room against the season's band, and a display's hardware health:
// pure functions of a reading and the site's effective settings (here the catalogue's defaults).
import { describe, expect, it } from 'vitest'
import { judgeAir } from '../../alerts/rules/air-quality.ts'
import { DEFAULT_ALERT_SETTINGS } from '../../alerts/settings.ts'
import { displayProblems } from '../../console/src/parts/display-health.ts'
import { judgeRoom, type RoomMetric, roomBands, type Verdict } from '../../console/src/parts/room-bands.ts'
import type { SiteSettings } from '../../console/src/stores/site-settings.ts'
import type { DaycareSensorTelemetry, OutdoorDisplayTelemetry } from '../../domain/protocol.ts'

const SETTINGS: SiteSettings = DEFAULT_ALERT_SETTINGS
/** local time at the site (UTC+8) as epoch ms */
const local = (iso: string) => Date.parse(`${iso}+08:00`)
const room = (ts: number, v: Partial<DaycareSensorTelemetry>): DaycareSensorTelemetry => ({
  ts,
  seq: 1,
  kind: 'daycare-sensor',
  ...v,
})

interface Case {
  name: string
  /** local time at the site */
  at: string
  v: Partial<DaycareSensorTelemetry>
  out: boolean
  field?: RoomMetric
  verdict?: Verdict
}

describe('a day-care room against the season’s band', () => {
  it.each<Case>([
    {
      name: 'a heated room at 20 °C in January is normal',
      at: '2026-01-12T09:00:00',
      v: { tempC: 20 },
      out: false,
    },
    {
      name: '20 °C in July is too cold for the summer band',
      at: '2026-07-12T09:00:00',
      v: { tempC: 20 },
      out: true,
      field: 'tempC',
      verdict: 'low',
    },
    {
      name: '26 °C in January is too warm for the winter band',
      at: '2026-01-12T09:00:00',
      v: { tempC: 26 },
      out: true,
      field: 'tempC',
      verdict: 'high',
    },
    { name: '26 °C in July is normal', at: '2026-07-12T09:00:00', v: { tempC: 26 }, out: false },
    {
      name: 'the band’s edges are inside it',
      at: '2026-01-12T09:00:00',
      v: { tempC: 24, humidityPct: 30 },
      out: false,
    },
    {
      name: 'humidity 70 % is fine in summer',
      at: '2026-08-01T12:00:00',
      v: { humidityPct: 70 },
      out: false,
    },
    {
      name: 'humidity 70 % is too damp in winter',
      at: '2026-12-01T12:00:00',
      v: { humidityPct: 70 },
      out: true,
      field: 'humidityPct',
      verdict: 'high',
    },
    {
      name: 'CO2 above 1000 ppm is out all year',
      at: '2026-07-12T09:00:00',
      v: { co2Ppm: 1001 },
      out: true,
      field: 'co2Ppm',
      verdict: 'high',
    },
    { name: 'CO2 at 1000 ppm is in', at: '2026-07-12T09:00:00', v: { co2Ppm: 1000 }, out: false },
    {
      name: 'PM2.5 above the catalogue’s 75 is out',
      at: '2026-01-12T09:00:00',
      v: { pm25Ugm3: 80 },
      out: true,
      field: 'pm25Ugm3',
      verdict: 'high',
    },
    // 1 May 00:30 at UTC+8 is still 30 April in UTC: the site's month decides, as the alert engine does
    {
      name: '1 May 00:30 local is summer',
      at: '2026-05-01T00:30:00',
      v: { tempC: 20 },
      out: true,
      field: 'tempC',
      verdict: 'low',
    },
    { name: '30 April 23:30 local is winter', at: '2026-04-30T23:30:00', v: { tempC: 20 }, out: false },
  ])('$name', (c) => {
    const ts = local(c.at)
    const judged = judgeRoom(room(ts, c.v), roomBands(ts, SETTINGS))
    expect(judged.out).toBe(c.out)
    if (c.field) expect(judged.verdicts[c.field]).toBe(c.verdict)
  })

  it('does not judge what the sensor does not report', () => {
    const ts = local('2026-01-12T09:00:00')
    const judged = judgeRoom(room(ts, { co2Ppm: 500 }), roomBands(ts, SETTINGS))
    expect(judged).toEqual({
      out: false,
      verdicts: { tempC: 'unknown', humidityPct: 'unknown', co2Ppm: 'ok', pm25Ugm3: 'unknown' },
    })
  })

  it('marks a room out exactly when the alert engine’s air rule sees a breach', () => {
    let checked = 0
    for (const at of ['2026-01-12T09:00:00', '2026-07-12T15:00:00', '2026-05-01T00:30:00']) {
      const ts = local(at)
      for (let tempC = 12; tempC <= 32; tempC += 0.5)
        for (const humidityPct of [25, 30, 35, 45, 60, 65, 80, 85])
          for (const co2Ppm of [600, 1000, 1001, 1600])
            for (const pm25Ugm3 of [20, 75, 76]) {
              const r = room(ts, { tempC, humidityPct, co2Ppm, pm25Ugm3 })
              const engine = judgeAir(r, DEFAULT_ALERT_SETTINGS).breaches.length > 0
              expect(judgeRoom(r, roomBands(ts, SETTINGS)).out, JSON.stringify(r)).toBe(engine)
              checked++
            }
    }
    expect(checked).toBeGreaterThan(10_000)
  })

  it('follows a site’s own bands', () => {
    const ts = local('2026-01-12T09:00:00')
    const warmer = { ...SETTINGS, airWinterBand: { ...SETTINGS.airWinterBand, tempMinC: 21 } }
    expect(judgeRoom(room(ts, { tempC: 20 }), roomBands(ts, warmer)).verdicts.tempC).toBe('low')
  })
})

describe('a display’s hardware health', () => {
  const display = (v: Partial<OutdoorDisplayTelemetry>): OutdoorDisplayTelemetry => ({
    ts: 0,
    seq: 1,
    kind: 'outdoor-display',
    ...v,
  })
  it.each([
    {
      name: 'a healthy screen has none',
      v: { screen: 'playing', fanOk: true, failedModules: 0, supplyVoltageV: 5, cabinetTempC: 40 },
      want: [],
    },
    { name: 'black while on', v: { powerOn: true, screen: 'black' }, want: ['blank'] },
    { name: 'black while switched off is not a fault', v: { powerOn: false, screen: 'black' }, want: [] },
    { name: 'frozen', v: { screen: 'frozen' }, want: ['blank'] },
    { name: 'hot at 60 °C', v: { cabinetTempC: 60 }, want: ['overheat'] },
    { name: 'far too hot at 70 °C', v: { cabinetTempC: 70 }, want: ['overheatCritical'] },
    { name: 'supply rail low', v: { supplyVoltageV: 4.4 }, want: ['supply'] },
    { name: 'supply rail at its limit is fine', v: { supplyVoltageV: 5.5 }, want: [] },
    {
      name: 'worst first',
      v: { doorOpen: true, fanOk: false, failedModules: 2, smoke: true },
      want: ['smoke', 'fan', 'modules', 'door'],
    },
  ] as const)('$name', ({ v, want }) => {
    expect(displayProblems(display(v), SETTINGS)).toEqual(want)
  })
})
