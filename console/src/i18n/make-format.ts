// Dates, numbers and units in a language with plain Intl. zh-CN: 24-hour clock, YYYY-MM-DD. Pure (no
// browser state), so the wording functions that use it are tested without one.
//
// Times of a site are told in the site's local time (its alert settings' `utcOffsetMin`, the clock the
// alert engine writes into its messages, e.g. a stray-wire load "since 23:53"), so what a crew reads on
// the page, in a page on their phone and on the site's clocks agree. Where the browser's own clock is
// another (an integrator abroad, a laptop set to UTC), the time carries its zone, "(UTC+8)": never a
// time that reads like the viewer's own but is not.
import type { Lang } from './translate.ts'

/**
 * A figure and its unit joined by a no-break space: a sentence that wraps on a phone never ends a line on
 * "89" and starts the next with "W" (a Chinese line breaks at any character, and at this space too).
 */
export const withUnit = (figure: string, unit: string): string => `${figure}\u00a0${unit}`

export interface Format {
  /** `utcOffsetMin`: the site's local time; without it, the browser's */
  dateTime(ms: number, utcOffsetMin?: number): string
  time(ms: number, utcOffsetMin?: number): string
  num(v: number, digits?: number): string
  watts(w: number | undefined): string
  kwh(v: number): string
  celsius(v: number): string
  percent(v: number): string
  ago(ms: number, now: number): string
}

const MIN_MS = 60_000

/** `UTC+8`, `UTC+5:30`, `UTC-3`, `UTC` */
export function zoneName(utcOffsetMin: number): string {
  if (utcOffsetMin === 0) return 'UTC'
  const a = Math.abs(utcOffsetMin)
  const m = a % 60
  return `UTC${utcOffsetMin > 0 ? '+' : '-'}${Math.floor(a / 60)}${m ? `:${String(m).padStart(2, '0')}` : ''}`
}

/** The browser's offset from UTC at a moment, minutes east (summer time included). */
export const browserOffsetMin = (ms: number): number => -new Date(ms).getTimezoneOffset()

export function makeFormat(l: Lang, opts: { localOffsetMin?: (ms: number) => number } = {}): Format {
  const localOffset = opts.localOffsetMin ?? browserOffsetMin
  // a site's wall clock: the instant moved by its offset, read in UTC. English names the month ("5 Dec
  // 2026"): 12/05/2026 is 5 December to one reader and 12 May to another
  const dateParts = (timeZone?: string) =>
    new Intl.DateTimeFormat(l, {
      year: 'numeric',
      month: l === 'zh-CN' ? '2-digit' : 'short',
      day: l === 'zh-CN' ? '2-digit' : 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZone,
    })
  const timeOf = (timeZone?: string) =>
    new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
  const local = { parts: dateParts(), time: timeOf() }
  const utc = { parts: dateParts('UTC'), time: timeOf('UTC') }
  const zoned = (ms: number, utcOffsetMin: number | undefined) =>
    utcOffsetMin === undefined
      ? { at: ms, f: local, mark: '' }
      : {
          at: ms + utcOffsetMin * MIN_MS,
          f: utc,
          mark:
            utcOffsetMin === localOffset(ms)
              ? ''
              : l === 'zh-CN'
                ? `（${zoneName(utcOffsetMin)}）`
                : ` (${zoneName(utcOffsetMin)})`,
        }
  const nums = new Map<number, Intl.NumberFormat>()
  const num = (v: number, digits = 0) => {
    let f = nums.get(digits)
    if (!f) {
      f = new Intl.NumberFormat(l, { maximumFractionDigits: digits, minimumFractionDigits: digits })
      nums.set(digits, f)
    }
    return f.format(v)
  }
  const celsius = new Intl.NumberFormat(l, { style: 'unit', unit: 'celsius', maximumFractionDigits: 1 })
  const percent = new Intl.NumberFormat(l, { style: 'unit', unit: 'percent', maximumFractionDigits: 0 })
  const rel = new Intl.RelativeTimeFormat(l, { numeric: 'auto', style: 'short' })
  return {
    dateTime(ms, utcOffsetMin) {
      const z = zoned(ms, utcOffsetMin)
      const p = Object.fromEntries(z.f.parts.formatToParts(z.at).map((x) => [x.type, x.value]))
      if (l !== 'zh-CN') return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}:${p.second}${z.mark}`
      // the domain brief asks for YYYY-MM-DD HH:mm:ss in Chinese, not the locale's YYYY/MM/DD
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}${z.mark}`
    },
    time(ms, utcOffsetMin) {
      const z = zoned(ms, utcOffsetMin)
      return z.f.time.format(z.at) + z.mark
    },
    num,
    watts(w) {
      if (w === undefined) return '—'
      return Math.abs(w) >= 10_000 ? withUnit(num(w / 1000, 1), 'kW') : withUnit(num(w), 'W')
    },
    kwh: (v) => withUnit(num(v, 2), 'kWh'),
    celsius: (v) => celsius.format(v),
    percent: (v) => percent.format(v),
    ago(ms, now) {
      // an event stamped by the device a moment ahead of this clock is "now", not "in 1 s"
      const s = Math.min(0, Math.round((ms - now) / 1000))
      if (Math.abs(s) < 60) return rel.format(s, 'second')
      const m = Math.round(s / 60)
      if (Math.abs(m) < 60) return rel.format(m, 'minute')
      const h = Math.round(m / 60)
      if (Math.abs(h) < 48) return rel.format(h, 'hour')
      return rel.format(Math.round(h / 24), 'day')
    },
  }
}
