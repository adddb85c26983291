// A day-care room's readings against the season's band (GB/T 18883 as the catalogue sets it: 22–28 °C
// and RH 40–80 % in summer, 16–24 °C and RH 30–60 % in winter; CO2 and PM2.5 limits all year), judged
// the way alerts/rules/air-quality.ts judges them, so the page marks what the engine would raise on.
// A heated room at 21 °C in January is inside the winter band: normal, not "too cold for summer".
import { type Season, type SiteSettings, seasonAt } from '../stores/site-settings.ts'
import type { DaycareSensorTelemetry } from '../types.ts'

export const ROOM_METRICS = ['tempC', 'humidityPct', 'co2Ppm', 'pm25Ugm3'] as const
export type RoomMetric = (typeof ROOM_METRICS)[number]

/** Inclusive limits; a missing side has no limit. */
export interface Band {
  min?: number
  max?: number
}

export type Verdict = 'ok' | 'low' | 'high' | 'unknown'

export interface RoomBands {
  season: Season
  bands: Record<RoomMetric, Band>
}

export function roomBands(ts: number, s: SiteSettings): RoomBands {
  const season = seasonAt(ts, s)
  const b = season === 'summer' ? s.airSummerBand : s.airWinterBand
  return {
    season,
    bands: {
      tempC: { min: b.tempMinC, max: b.tempMaxC },
      humidityPct: { min: b.humidityMinPct, max: b.humidityMaxPct },
      co2Ppm: { max: s.airCo2Ppm },
      pm25Ugm3: { max: s.airPm25Ugm3 },
    },
  }
}

export function judge(v: number | undefined, b: Band): Verdict {
  if (v === undefined) return 'unknown'
  if (b.min !== undefined && v < b.min) return 'low'
  if (b.max !== undefined && v > b.max) return 'high'
  return 'ok'
}

/** Each metric's verdict; `out` when any reported metric is outside its band. */
export function judgeRoom(
  r: DaycareSensorTelemetry,
  bands: RoomBands,
): { verdicts: Record<RoomMetric, Verdict>; out: boolean } {
  const verdicts = {} as Record<RoomMetric, Verdict>
  let out = false
  for (const m of ROOM_METRICS) {
    verdicts[m] = judge(r[m], bands.bands[m])
    if (verdicts[m] === 'low' || verdicts[m] === 'high') out = true
  }
  return { verdicts, out }
}
