// Whether a protective command a rule asked for may still go out, decided when it is handed out (after
// the commit), not when the rule decided it on event time. A command acts on the port as it is now; the
// reading that decided it may be hours old (a pile uploading what it buffered while offline, the engine
// catching up on a backlog) and the alert it protects may already be over (a later reading of the same
// batch cleared it). Pure: the alert as stored now, the deciding reading's ts and the clock.
import type { Alert } from '../domain/alerts.ts'

/**
 * How old the deciding reading may be for its command to go out. A live pile's reading reaches the
 * engine within seconds; two minutes leaves room for a short backlog (a restart catching up, a broker
 * reconnect) and for a device clock a little behind, while a port that was hot longer ago than that may
 * have finished, been unplugged, or be charging someone else's bike by now: switching it off then
 * protects nobody. Pile reports come every 30–60 s, so a port still hot is still reported within it.
 */
export const PROTECTIVE_MAX_AGE_MS = 2 * 60_000

export type ProtectiveVerdict = { send: true } | { send: false; reason: string }

export function protectiveVerdict(
  alert: Pick<Alert, 'state'> | undefined,
  decidedAt: number,
  nowMs: number,
): ProtectiveVerdict {
  const reasons: string[] = []
  if (!alert || alert.state === 'cleared') reasons.push('the alert was already cleared')
  const ageMs = nowMs - decidedAt
  if (ageMs > PROTECTIVE_MAX_AGE_MS) reasons.push(`the reading was ${formatAge(ageMs)} old`)
  return reasons.length === 0 ? { send: true } : { send: false, reason: reasons.join('; ') }
}

/** "90 s", "5 min", "3 h", "2 d": the coarsest unit that still says how stale. */
export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s} s`
  const min = Math.round(s / 60)
  if (min < 120) return `${min} min`
  const h = Math.round(min / 60)
  if (h < 48) return `${h} h`
  return `${Math.round(h / 24)} d`
}
