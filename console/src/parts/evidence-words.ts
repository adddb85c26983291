// What an air_quality, display_hardware or device_offline alert says, from the figures its rule stored
// as `evidence` (domain/alerts.ts: AirQualityEvidence, DisplayHardwareEvidence, DeviceOfflineEvidence),
// in the page's language. Evidence of another shape (an alert raised before the rules kept it, a later
// rule) gives undefined, and the caller says the type's general sentence instead; a figure it does not
// know is left out, never made up.
import type { Alert } from '../types.ts'
import type { Words } from './words.ts'

const HOUR_MS = 3_600_000

type Facts = Pick<Alert, 'raisedAt' | 'evidence'>

const numberOf = (x: unknown): number | undefined =>
  typeof x === 'number' && Number.isFinite(x) ? x : undefined
const recordOf = (x: unknown): Record<string, unknown> | undefined =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined
const listOf = (x: unknown): Record<string, unknown>[] =>
  Array.isArray(x) ? x.map(recordOf).filter((y) => y !== undefined) : []

/** A moment at the site: its time, with the date as well when it is more than 12 h before the raise. */
function when(ms: number, a: Facts, w: Words, utcOffsetMin?: number): string {
  return a.raisedAt - ms > 12 * HOUR_MS ? w.f.dateTime(ms, utcOffsetMin) : w.f.time(ms, utcOffsetMin)
}

/** `2 分钟` / `2 min`, or seconds when not whole minutes */
function duration(s: number, w: Words): string {
  return s % 60 === 0 ? w.tr('duration.min', { n: w.f.num(s / 60) }) : w.tr('duration.s', { n: w.f.num(s) })
}

const clauses = (parts: string[], w: Words) => parts.join(w.tr('words.clauseSep'))

/** A figure with as many decimals as it has, up to `most`: `22`, `29.5`, `4.98` */
function figure(x: number, most: number, w: Words): string {
  const decimals = (String(Number(x.toFixed(most))).split('.')[1] ?? '').length
  return w.f.num(x, Math.min(most, decimals))
}

/** One broken limit: `二氧化碳 1,240 ppm，超过 1,000 ppm` / `CO₂ 1,240 ppm, over 1,000 ppm` */
function breachText(b: Record<string, unknown>, w: Words): string | undefined {
  const { tr, f } = w
  const value = numberOf(b.value)
  const max = numberOf(b.max)
  if (value === undefined || max === undefined) return undefined
  const min = numberOf(b.min)
  const season = b.season === 'summer' || b.season === 'winter' ? tr(`season.${b.season}`) : undefined
  switch (b.measure) {
    case 'co2Ppm': {
      const ppm = (x: number) => `${f.num(x)} ppm`
      const major = numberOf(b.majorFrom)
      return major !== undefined && value >= major
        ? tr('airText.co2Major', { value: ppm(value), max: ppm(max), major: ppm(major) })
        : tr('airText.co2', { value: ppm(value), max: ppm(max) })
    }
    case 'pm25Ugm3': {
      const ugm3 = (x: number) => `${figure(x, 1, w)} µg/m³`
      return tr('airText.pm25', { value: ugm3(value), max: ugm3(max) })
    }
    case 'tempC':
      if (min === undefined || season === undefined) return undefined
      return tr('airText.temp', {
        value: f.celsius(value),
        season,
        min: figure(min, 1, w),
        max: f.celsius(max),
      })
    case 'humidityPct':
      if (min === undefined || season === undefined) return undefined
      return tr('airText.humidity', {
        value: f.percent(value),
        season,
        min: figure(min, 0, w),
        max: f.percent(max),
      })
    default:
      return undefined
  }
}

/** `activity 的空气自 09:40起超出标准：二氧化碳 1,240 ppm，超过 1,000 ppm；温度 29.5°C，超出夏季范围 22–28°C` */
export function airQualitySummary(a: Facts, w: Words, utcOffsetMin?: number): string | undefined {
  const e = recordOf(a.evidence)
  const since = numberOf(e?.since)
  const parts = listOf(e?.breaches).flatMap((b) => breachText(b, w) ?? [])
  if (since === undefined || parts.length === 0) return undefined
  const vars = { since: when(since, a, w, utcOffsetMin), list: clauses(parts, w) }
  const room = typeof e?.room === 'string' && e.room.trim() !== '' ? e.room.trim() : undefined
  return room === undefined ? w.tr('airText.summary', vars) : w.tr('airText.summaryRoom', { ...vars, room })
}

function faultText(x: Record<string, unknown>, w: Words): string | undefined {
  const { tr, f } = w
  switch (x.fault) {
    case 'fan':
      return tr('hwText.fan')
    case 'modules': {
      const n = numberOf(x.count)
      return n === undefined ? tr('hwText.modulesSome') : tr('hwText.modules', { n: f.num(n) })
    }
    case 'supply': {
      const [v, lo, hi] = [numberOf(x.voltageV), numberOf(x.minV), numberOf(x.maxV)]
      if (v === undefined || lo === undefined || hi === undefined) return undefined
      const volts = (x: number) => figure(x, 2, w)
      return tr('hwText.supply', { v: `${volts(v)} V`, min: volts(lo), max: `${volts(hi)} V` })
    }
    default:
      return undefined
  }
}

/** `屏幕硬件故障：风扇故障；故障显示模组 3 块` / `Display hardware fault: fan failed; failed LED modules: 3` */
export function displayHardwareSummary(a: Facts, w: Words): string | undefined {
  const parts = listOf(recordOf(a.evidence)?.faults).flatMap((x) => faultText(x, w) ?? [])
  return parts.length === 0 ? undefined : w.tr('hwText.summary', { list: clauses(parts, w) })
}

/** `设备自 09:40起没有任何消息，已错过 3 次上报（每 1 分钟一次）` / `Disconnected at 09:41, not back within 2 min` */
export function deviceOfflineSummary(a: Facts, w: Words, utcOffsetMin?: number): string | undefined {
  const e = recordOf(a.evidence)
  const last = numberOf(e?.lastMessageAt)
  if (e?.reason === 'silent') {
    const interval = numberOf(e.reportIntervalS)
    const n = numberOf(e.intervals)
    if (last === undefined || interval === undefined || n === undefined) return undefined
    return w.tr('offlineText.silent', {
      since: when(last, a, w, utcOffsetMin),
      n: w.f.num(n),
      interval: duration(interval, w),
    })
  }
  if (e?.reason === 'will') {
    const at = numberOf(e.disconnectedAt)
    const hold = numberOf(e.holdS)
    if (at === undefined || hold === undefined) return undefined
    const vars = { at: when(at, a, w, utcOffsetMin), hold: duration(hold, w) }
    return last === undefined
      ? w.tr('offlineText.will', vars)
      : w.tr('offlineText.willLastSeen', { ...vars, last: when(last, a, w, utcOffsetMin) })
  }
  return undefined
}

// ---- line by line, for an alert's page (as strayWireEvidence): one figure a crew can check per line ----

/** Each broken limit, then since when, then where: `二氧化碳 1,240 ppm，超过 1,000 ppm` … `自 09:40起超出标准` */
export function airQualityEvidence(a: Facts, w: Words, utcOffsetMin?: number): string[] {
  const e = recordOf(a.evidence)
  const out = listOf(e?.breaches).flatMap((b) => breachText(b, w) ?? [])
  const since = numberOf(e?.since)
  if (since !== undefined) out.push(w.tr('airText.since', { since: when(since, a, w, utcOffsetMin) }))
  const room = typeof e?.room === 'string' && e.room.trim() !== '' ? e.room.trim() : undefined
  if (room !== undefined) out.push(w.tr('airText.room', { room }))
  return out
}

/** Each fault the screen reported: `风扇故障`, `故障显示模组 3 块`, `供电电压 19.6 V，超出 21.6–26.4 V` */
export function displayHardwareEvidence(a: Facts, w: Words): string[] {
  return listOf(recordOf(a.evidence)?.faults).flatMap((x) => faultText(x, w) ?? [])
}

/**
 * How it went quiet. Silent: when it was last heard, how often it reports, how many reports are missing.
 * Its Will: when it disconnected, how long it was given to come back, and when it was last heard.
 */
export function deviceOfflineEvidence(a: Facts, w: Words, utcOffsetMin?: number): string[] {
  const { tr, f } = w
  const e = recordOf(a.evidence)
  const out: string[] = []
  const at = (ms: number) => when(ms, a, w, utcOffsetMin)
  const last = numberOf(e?.lastMessageAt)
  if (e?.reason === 'silent') {
    if (last !== undefined) out.push(tr('offlineText.lastMessage', { at: at(last) }))
    const interval = numberOf(e.reportIntervalS)
    if (interval !== undefined) out.push(tr('offlineText.every', { interval: duration(interval, w) }))
    const n = numberOf(e.intervals)
    if (n !== undefined) out.push(tr('offlineText.missed', { n: f.num(n) }))
  } else if (e?.reason === 'will') {
    const gone = numberOf(e.disconnectedAt)
    if (gone !== undefined) out.push(tr('offlineText.disconnected', { at: at(gone) }))
    const hold = numberOf(e.holdS)
    if (hold !== undefined) out.push(tr('offlineText.notBack', { hold: duration(hold, w) }))
    if (last !== undefined) out.push(tr('offlineText.lastMessage', { at: at(last) }))
  }
  return out
}
