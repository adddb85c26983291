// Dates, numbers and units in the user's language with plain Intl. zh-CN: 24-hour clock, YYYY-MM-DD.
import { computed } from '@preact/signals'
import { type Lang, lang } from './i18n/index.ts'

export interface Format {
  dateTime(ms: number): string
  time(ms: number): string
  num(v: number, digits?: number): string
  watts(w: number | undefined): string
  kwh(v: number): string
  celsius(v: number): string
  percent(v: number): string
  ago(ms: number, now: number): string
}

function makeFormat(l: Lang): Format {
  const parts = new Intl.DateTimeFormat(l, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  const timeFmt = new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
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
    dateTime(ms) {
      if (l !== 'zh-CN') return parts.format(ms)
      // the domain brief asks for YYYY-MM-DD HH:mm:ss in Chinese, not the locale's YYYY/MM/DD
      const p = Object.fromEntries(parts.formatToParts(ms).map((x) => [x.type, x.value]))
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
    },
    time: (ms) => timeFmt.format(ms),
    num,
    watts: (w) => (w === undefined ? '—' : Math.abs(w) >= 10_000 ? `${num(w / 1000, 1)} kW` : `${num(w)} W`),
    kwh: (v) => `${num(v, 2)} kWh`,
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

export const fmt = computed<Format>(() => makeFormat(lang.value))
