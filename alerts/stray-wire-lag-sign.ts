// Where the meter reports PF and THD: whether the circuit's reactive current lags for certain, reading by
// reading. The meter gives |Q| without its sign; LED drivers (capacitor-input rectifiers) lead, motors lag.
import { LEADING_Q_PER_H, reactiveAdds } from './stray-wire-circuit-normal.ts'

/** What the last reading told of the sign of the circuit's reactive VA (state, plain JSON). */
export interface LagSign {
  /** It lagged for certain, by its |Q|. */
  lags: boolean
  /** The meter's |Q|, var, watts and harmonic VA at that reading. */
  q: number
  w: number
  h: number
  ts: number
}

/**
 * Whether the circuit's reactive VA lags for certain now. A reading whose own watts, harmonic and reactive VA
 * say it (reactiveAdds: no rectifier in it, or more |Q| than its rectifiers could lead by) lags. Else where
 * the reading a minute before lagged for certain, by its |Q|: between two readings the signed reactive VA
 * falls only by what arrived leading (a rectifier, by at most LEADING_Q_PER_H per VA of the harmonic current
 * it added; an active-PFC input's EMI filter, by at most PFC_LEAD_VAR_PER_W per W it added) and by what left
 * lagging (a motor, by at most MOTOR_VAR_PER_W per W the watts fell). Where the least it can be now is above
 * minus |Q| now, by more than the meter's |Q| moves from reading to reading, the total cannot lead: it lags.
 * A circuit whose compressor ran when its LED banks came on (their lead cancels part of the motor's lag,
 * |Q| falls, and their harmonic current alone says they could lead by all it reads) stays known to lag.
 * A motor that stops in the minute a load of its watts arrives (a heater, an active-PFC charger) takes its
 * lag without a fall in watts to allow for it: where |Q| falls by more than the allowances, the sign is
 * given up rather than carried on a circuit that may now lead.
 * Carried only from a reading that lagged for certain, and only between readings in a row: across a
 * silence anything may have come and gone, and from a reading of either sign the meter's noise alone
 * would pass for a sign.
 */
export function lagSignNow(
  prev: LagSign | undefined,
  ts: number,
  w: number,
  h: number | null,
  q: number | null,
): LagSign | undefined {
  if (h === null || q === null) return undefined
  const sign = (lags: boolean): LagSign => ({ lags, q: round1(q), w: round1(w), h: round1(h), ts })
  if (reactiveAdds(w, h, q)) return sign(true)
  if (!prev?.lags || ts - prev.ts > IN_ROW_MS) return sign(false)
  const allowed =
    LEADING_Q_PER_H * Math.max(0, h - prev.h) +
    PFC_LEAD_VAR_PER_W * Math.max(0, w - prev.w) +
    MOTOR_VAR_PER_W * Math.max(0, prev.w - w)
  // still lagging, |Q| fell by more than what came and went can take from it: a motor left unseen (a load
  // of its watts arrived in the same minute, so the watts did not fall), and the sign is no longer known
  if (prev.q - q > allowed + Q_NOISE_VA) return sign(false)
  // led by |Q| now, the total would stand below the least it can
  return sign(q + prev.q - allowed > Q_NOISE_VA)
}

/** The circuit's reactive VA lagged for certain at the reading `sign` was taken at. */
export const lagsForCertain = (sign: LagSign | undefined): boolean => sign?.lags === true

const round1 = (x: number): number => Math.round(x * 10) / 10
/** Readings a minute apart (and one missed): across a longer silence the sign is not carried. */
const IN_ROW_MS = 2 * 60_000
/** An active-PFC input's EMI filter leads by at most this per W (PF 0.95 at THD 15 %, with the meter's margin). */
const PFC_LEAD_VAR_PER_W = 0.3
/** A fridge's motor at PF 0.6, the most reactive VA per W any load of the circuit lags by. */
const MOTOR_VAR_PER_W = 1.33
/**
 * How far the meter's |Q| moves between two readings of the same loads, twice over (PF in two decimals
 * and THD's noise at a few hundred W move it by 10-20 var: development circuit-mixed-quiet, LED banks and
 * lamps alone).
 */
const Q_NOISE_VA = 40
