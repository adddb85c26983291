// Outdoor weather for a humid subtropical city (Shanghai-like): seasonal and daily cycles plus a
// per-day offset, and the sun. Pure functions of time, local offset and seed.
import { localDay, localHour } from '../devices/common.ts'
import { normal, rngFor } from './random.ts'

const YEAR_DAYS = 365.25
// Shanghai: mean ≈ 17 °C, July ≈ 28.5 °C, January ≈ 4.5 °C; warmest near day-of-year 205.
const MEAN_C = 16.5
const SEASON_AMPLITUDE_C = 12
const WARMEST_DOY = 205
// the daily minimum comes near sunrise, the maximum near 14:00
const DIURNAL_AMPLITUDE_C = 4

/** Day of year, 0–365, in local time. */
export const dayOfYear = (tMs: number, utcOffsetMin: number): number => {
  const days = localDay(tMs, utcOffsetMin)
  // 1970-01-01 is day 0; the drift of this approximation is under a day per century
  return ((days % YEAR_DAYS) + YEAR_DAYS) % YEAR_DAYS
}

/** 1 at the height of summer, −1 in deep winter. */
export const seasonIndex = (tMs: number, utcOffsetMin: number): number =>
  Math.cos((2 * Math.PI * (dayOfYear(tMs, utcOffsetMin) - WARMEST_DOY)) / YEAR_DAYS)

/** Weather offset for the day, so no two days look alike (°C). */
const dayOffsetC = (seed: number, day: number): number => normal(rngFor(seed, 'weather', day), 0, 2)

export function outdoorTempC(tMs: number, utcOffsetMin: number, seed: number): number {
  const h = localHour(tMs, utcOffsetMin)
  const day = localDay(tMs, utcOffsetMin)
  const seasonal = MEAN_C + SEASON_AMPLITUDE_C * seasonIndex(tMs, utcOffsetMin)
  const diurnal = DIURNAL_AMPLITUDE_C * Math.cos((2 * Math.PI * (h - 14)) / 24)
  // interpolate the day offset so midnight does not step
  const frac = h / 24
  const offset = (1 - frac) * dayOffsetC(seed, day) + frac * dayOffsetC(seed, day + 1)
  return seasonal + diurnal + offset
}

/** Outdoor relative humidity, %: higher at night and in the plum-rain summer. */
export function outdoorHumidityPct(tMs: number, utcOffsetMin: number): number {
  const h = localHour(tMs, utcOffsetMin)
  return 70 + 8 * seasonIndex(tMs, utcOffsetMin) - 12 * Math.cos((2 * Math.PI * (h - 14)) / 24)
}

/** Sunlight 0–1: a smooth arch from sunrise to sunset; days are longer in summer. */
export function sunlight(tMs: number, utcOffsetMin: number): number {
  const h = localHour(tMs, utcOffsetMin)
  const halfDay = 6.1 + 1.1 * seasonIndex(tMs, utcOffsetMin)
  const x = (h - 12) / halfDay
  return Math.abs(x) >= 1 ? 0 : Math.cos((x * Math.PI) / 2)
}

/** Outdoor PM2.5 for the day, µg/m³: cleaner in summer, worse in winter. */
export function outdoorPm25(tMs: number, utcOffsetMin: number, seed: number): number {
  const day = localDay(tMs, utcOffsetMin)
  const base = 35 - 15 * seasonIndex(tMs, utcOffsetMin)
  return Math.max(5, base * Math.exp(normal(rngFor(seed, 'pm25', day), 0, 0.4)))
}
