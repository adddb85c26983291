// air_quality for day-care rooms: CO2, PM2.5, and temperature / humidity against the season's band
// (GB/T 18883: 22–28 °C and 40–80 % in summer, 16–24 °C and 30–60 % in winter), held 15 min to raise,
// back inside for 10 min to clear. The season is the reading's local month.

import type { AirBreach, AirQualityEvidence } from '../../domain/alerts.ts'
import { deviceText, NAME_MAX } from '../../domain/device-text.ts'
import type { DaycareSensorTelemetry } from '../../domain/protocol.ts'
import type { CatalogueSettings, SeasonBand } from '../settings.ts'
import { fmt, type RuleContext, S, type Signals } from './context.ts'
import { localTime } from './local-time.ts'
import type { RulesState } from './state.ts'
import { stepHold } from './thresholds.ts'

export interface AirVerdict {
  /** at least one of the reading's fields said anything */
  known: boolean
  breaches: string[]
  /** the same breaches in figures, for the alert's evidence */
  figures: AirBreach[]
  major: boolean
  /** the first breaching value, for lastValue */
  value?: number
}

export function seasonOf(
  ts: number,
  cfg: CatalogueSettings,
): { name: 'summer' | 'winter'; band: SeasonBand } {
  const month = localTime(ts, cfg.utcOffsetMin).month
  return cfg.airSummerMonths.includes(month)
    ? { name: 'summer', band: cfg.airSummerBand }
    : { name: 'winter', band: cfg.airWinterBand }
}

/** Pure: which limits this reading breaks. Fields a sensor does not have are simply not judged. */
export function judgeAir(t: DaycareSensorTelemetry, cfg: CatalogueSettings): AirVerdict {
  const v: AirVerdict = { known: false, breaches: [], figures: [], major: false }
  const breach = (text: string, figure: AirBreach) => {
    v.breaches.push(text)
    v.figures.push(figure)
    v.value ??= figure.value
  }
  if (t.co2Ppm !== undefined) {
    v.known = true
    if (t.co2Ppm > cfg.airCo2Ppm)
      breach(`CO2 ${fmt(t.co2Ppm)} ppm > ${fmt(cfg.airCo2Ppm)}`, {
        measure: 'co2Ppm',
        value: t.co2Ppm,
        max: cfg.airCo2Ppm,
        majorFrom: cfg.airCo2MajorPpm,
      })
    v.major = t.co2Ppm >= cfg.airCo2MajorPpm
  }
  if (t.pm25Ugm3 !== undefined) {
    v.known = true
    if (t.pm25Ugm3 > cfg.airPm25Ugm3)
      breach(`PM2.5 ${fmt(t.pm25Ugm3)} µg/m³ > ${fmt(cfg.airPm25Ugm3)}`, {
        measure: 'pm25Ugm3',
        value: t.pm25Ugm3,
        max: cfg.airPm25Ugm3,
      })
  }
  if (t.tempC === undefined && t.humidityPct === undefined) return v
  const season = seasonOf(t.ts, cfg)
  const b = season.band
  if (t.tempC !== undefined) {
    v.known = true
    if (t.tempC < b.tempMinC || t.tempC > b.tempMaxC)
      breach(`${fmt(t.tempC)} °C outside ${fmt(b.tempMinC)}–${fmt(b.tempMaxC)} (${season.name})`, {
        measure: 'tempC',
        value: t.tempC,
        min: b.tempMinC,
        max: b.tempMaxC,
        season: season.name,
      })
  }
  if (t.humidityPct !== undefined) {
    v.known = true
    if (t.humidityPct < b.humidityMinPct || t.humidityPct > b.humidityMaxPct)
      breach(
        `humidity ${fmt(t.humidityPct)} % outside ${fmt(b.humidityMinPct)}–${fmt(b.humidityMaxPct)} (${season.name})`,
        {
          measure: 'humidityPct',
          value: t.humidityPct,
          min: b.humidityMinPct,
          max: b.humidityMaxPct,
          season: season.name,
        },
      )
  }
  return v
}

export function airQuality(
  s: RulesState,
  ctx: RuleContext,
  t: DaycareSensorTelemetry,
  restart: boolean,
  out: Signals,
): void {
  const v = judgeAir(t, ctx.cfg)
  if (!v.known) return
  const bad = v.breaches.length > 0
  const r = stepHold(
    s.holds['air_quality'],
    t.ts,
    [
      { severity: 'warning', active: bad },
      { severity: 'major', active: v.major },
    ],
    !bad,
    { holdMs: ctx.cfg.airHoldS * S, clearHoldMs: ctx.cfg.airClearHoldS * S },
    restart,
  )
  s.holds = { ...s.holds, air_quality: r.state }
  if (!r.change) return
  const roomName = t.room ? deviceText(t.room, NAME_MAX) : ''
  const room = roomName ? `${roomName}: ` : ''
  if (r.change.kind === 'clear') {
    out.push({ action: 'clear', type: 'air_quality', at: t.ts, message: `${room}air back inside the limits` })
    return
  }
  // the air has been bad since the warning level's condition began (a major one began inside it)
  const since = r.state.since.warning ?? r.state.since[r.change.severity] ?? t.ts
  const evidence: AirQualityEvidence = {
    breaches: v.figures,
    since,
    ...(roomName ? { room: roomName } : {}),
  }
  out.push({
    action: 'raise',
    type: 'air_quality',
    severity: r.change.severity,
    at: t.ts,
    message: room + v.breaches.join('; '),
    ...(v.value !== undefined ? { value: v.value } : {}),
    evidence,
  })
}
