// The part of a site's effective alert settings (GET /sites/{id}/alert-settings → `effective`) that the
// site pages draw: the season's air bands and the display limits, so a page marks exactly what the alert
// engine judges (alerts/settings.ts holds the catalogue defaults and the full shape).

/** The service's own default (alerts/settings.ts): China keeps UTC+8 all year. */
export const DEFAULT_UTC_OFFSET_MIN = 480

export interface SeasonBand {
  tempMinC: number
  tempMaxC: number
  humidityMinPct: number
  humidityMaxPct: number
}

export interface SiteSettings {
  /** the site's local time: China keeps UTC+8 all year */
  utcOffsetMin: number
  airCo2Ppm: number
  airCo2MajorPpm: number
  airPm25Ugm3: number
  /** local months (1–12) judged by the summer band; every other month by the winter band */
  airSummerMonths: number[]
  airSummerBand: SeasonBand
  airWinterBand: SeasonBand
  displayOverheatMajorC: number
  displayOverheatCriticalC: number
  displaySupplyMinV: number
  displaySupplyMaxV: number
}

export type Season = 'summer' | 'winter'

/** The season of a moment at the site, as the alert engine takes it: the local month. */
export function seasonAt(ts: number, s: Pick<SiteSettings, 'utcOffsetMin' | 'airSummerMonths'>): Season {
  const month = new Date(ts + s.utcOffsetMin * 60_000).getUTCMonth() + 1
  return s.airSummerMonths.includes(month) ? 'summer' : 'winter'
}
