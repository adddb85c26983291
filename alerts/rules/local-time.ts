// Local time of a reading at the site (a fixed offset: China keeps UTC+8 all year) and the schedules
// rules depend on: operating hours, maintenance windows, the season.
import type { DailyWindow, TimeWindow } from '../types.ts'

const MIN_MS = 60_000

export interface LocalTime {
  /** minutes from local midnight, 0–1439 */
  minuteOfDay: number
  /** ISO weekday 1–7 (Mon–Sun) */
  isoDay: number
  /** 1–12 */
  month: number
}

export function localTime(ts: number, utcOffsetMin: number): LocalTime {
  const d = new Date(ts + utcOffsetMin * MIN_MS)
  const wd = d.getUTCDay()
  return {
    minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
    isoDay: wd === 0 ? 7 : wd,
    month: d.getUTCMonth() + 1,
  }
}

/** `end < start` wraps past midnight; a wrapped window belongs to the day it started on. */
export function inDailyWindow(w: DailyWindow, lt: LocalTime): boolean {
  const m = lt.minuteOfDay
  if (w.startMin === w.endMin) return w.days === undefined || w.days.includes(lt.isoDay)
  if (w.startMin < w.endMin) {
    return m >= w.startMin && m < w.endMin && (w.days === undefined || w.days.includes(lt.isoDay))
  }
  if (m >= w.startMin) return w.days === undefined || w.days.includes(lt.isoDay)
  if (m < w.endMin) {
    const yesterday = lt.isoDay === 1 ? 7 : lt.isoDay - 1
    return w.days === undefined || w.days.includes(yesterday)
  }
  return false
}

const isTimeWindow = (w: DailyWindow | TimeWindow): w is TimeWindow =>
  typeof (w as TimeWindow).from === 'number'

/** Inside any of `windows` at `ts` (one-off windows are [from, to) in epoch ms). */
export function inAnyWindow(
  windows: readonly (DailyWindow | TimeWindow)[] | undefined,
  ts: number,
  utcOffsetMin: number,
): boolean {
  if (!windows || windows.length === 0) return false
  const lt = localTime(ts, utcOffsetMin)
  for (const w of windows) {
    if (isTimeWindow(w) ? ts >= w.from && ts < w.to : inDailyWindow(w, lt)) return true
  }
  return false
}

/** No operating hours configured means the display is meant to play around the clock. */
export function inOperatingHours(
  hours: readonly DailyWindow[] | undefined,
  ts: number,
  utcOffsetMin: number,
): boolean {
  if (!hours) return true
  return inAnyWindow(hours, ts, utcOffsetMin)
}
