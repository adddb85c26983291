// Small helpers shared by the device models: message numbering, local time, rounding.
import type { Command, CommandAck, DeviceEvent } from '../../domain/protocol.ts'
import type { Injection, InjectionType, OutMessage } from './types.ts'

const DAY_MS = 86_400_000

/** Assigns seq (+1 per message, protocol "Common fields") and collects one step's messages. */
export class MessageCounter {
  #seq: number
  constructor(start = 0) {
    this.#seq = start
  }
  get next(): number {
    return this.#seq
  }
  take(): number {
    const s = this.#seq
    // protocol: seq wraps; stay well inside the schema's integer range
    this.#seq = s >= Number.MAX_SAFE_INTEGER ? 0 : s + 1
    return s
  }
}

/** Builds an event payload with the common fields; the cast is checked by the schema tests. */
export function makeEvent(
  counter: MessageCounter,
  ts: number,
  kind: DeviceEvent['kind'],
  event: DeviceEvent['event'],
  extra: Record<string, unknown> = {},
): OutMessage {
  return { channel: 'events', body: { ts, seq: counter.take(), kind, event, ...extra } as DeviceEvent }
}

/** Local clock hour as a fraction, 0 ≤ h < 24. */
export function localHour(tMs: number, utcOffsetMin: number): number {
  const local = tMs + utcOffsetMin * 60_000
  return (((local % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000
}

/** Local day number (days since epoch in local time), used to key per-day random streams. */
export const localDay = (tMs: number, utcOffsetMin: number): number =>
  Math.floor((tMs + utcOffsetMin * 60_000) / DAY_MS)

/** Local weekday, 0 = Sunday (1970-01-01 was a Thursday). */
export const localWeekday = (tMs: number, utcOffsetMin: number): number =>
  (((localDay(tMs, utcOffsetMin) + 4) % 7) + 7) % 7

/** Rounds to `digits` decimals; sensors report a fixed resolution. */
export const round = (x: number, digits = 1): number => {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x))

/** First-order lag: the value after `dtS` seconds approaching `target` with time constant `tauS`. */
export const lag = (value: number, target: number, dtS: number, tauS: number): number =>
  target + (value - target) * Math.exp(-Math.max(0, dtS) / tauS)

/** Injections active at `tMs`, of one of the given types. */
export function activeInjections(
  list: readonly Injection[],
  tMs: number,
  ...types: InjectionType[]
): Injection[] {
  return list.filter((i) => tMs >= i.startMs && tMs < i.endMs && types.includes(i.type))
}

/** Injections whose window starts in (fromMs, toMs]: their one-off events fire on this step. */
export function startedBetween(
  list: readonly Injection[],
  fromMs: number,
  toMs: number,
  type: InjectionType,
) {
  return list.filter((i) => i.type === type && i.startMs > fromMs && i.startMs <= toMs)
}

/** Injections whose window ends in (fromMs, toMs]. */
export function endedBetween(list: readonly Injection[], fromMs: number, toMs: number, type: InjectionType) {
  return list.filter((i) => i.type === type && i.endMs > fromMs && i.endMs <= toMs)
}

export const ackOk = (cmd: Command): CommandAck => ({ id: cmd.id, ok: true })
export const ackError = (cmd: Command, error: string): CommandAck => ({ id: cmd.id, ok: false, error })
