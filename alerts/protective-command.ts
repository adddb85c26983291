// Whether a protective command a rule asked for may still go out, decided when it is handed out (after
// the commit), not when the rule decided it on event time. A command acts on the port as it is now; the
// reading that decided it may be hours old (a pile uploading what it buffered while offline, the engine
// catching up on a backlog) and the alert it protects may already be over (a later reading of the same
// batch cleared it). And a command that did not succeed is tried again while its alert is open and
// critical and the rule still reports the port hot or charging (its `protect` signals), with a backoff,
// until the device acknowledges one. Pure: the alert as stored now, its command steps so far, the deciding
// reading's ts and the clock.
import { createHash } from 'node:crypto'
import type { Alert, AlertTransition } from '../domain/alerts.ts'
import type { CommandResult } from '../domain/bus.ts'
import { unreachable } from '../domain/errors.ts'
import { MAX_FUTURE_MS } from '../domain/protocol.ts'

/**
 * How old the deciding reading may be for its command to go out: the protocol's tolerance for a device
 * clock (MAX_FUTURE_MS, 5 min). A live pile's reading reaches the engine within seconds, but a pile whose
 * clock runs a few minutes behind must still be switched off, and a port left charging above 75 °C is the
 * danger this command is for; stopping a port that has just finished costs a re-plug. Older than that, the
 * reading was buffered while the pile was offline or the engine is catching up on a backlog: the port
 * may have finished, been unplugged, or be charging someone else's bike by now.
 */
export const PROTECTIVE_MAX_AGE_MS = MAX_FUTURE_MS

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

/**
 * Wait after the n-th failed attempt before the next: 1 min, 2 min, 5 min, then every 5 min. The first
 * failure is most often a reconnect blip or a lost ack, over in seconds: one minute is the next report or
 * two of a pile, and a port at 75 °C should not charge much longer. A device that keeps refusing or
 * timing out gains nothing from being asked every minute; every 5 min (as a critical alert's repeated
 * notification) keeps trying for as long as the port stays hot. Each retry also waits for a reading
 * that still shows the port hot or charging, so it goes out at the first such reading after its wait.
 */
export const RETRY_AFTER_MS = [60_000, 2 * 60_000, 5 * 60_000] as const

export const retryAfterMs = (failures: number): number =>
  RETRY_AFTER_MS[Math.min(Math.max(failures, 1), RETRY_AFTER_MS.length) - 1]!

/** How an attempt ended, as the alert's history keeps it (detail.outcome of a `command` step). */
export type AttemptOutcome = 'ok' | 'refused' | 'timeout' | 'offline' | 'not_sent' | 'interrupted'

/** What a `command` step by the engine holds in `detail`. */
export interface CommandStepDetail {
  name: string
  args: Record<string, unknown>
  /**
   * `skipped`: not tried (stale reading, alert over); `still_charging`: acknowledged, yet the port still
   * reported charging a while after (its relay did not open), so it is asked again
   */
  outcome: AttemptOutcome | 'skipped' | 'still_charging'
  /** 1, 2, …: the attempt this step ends (absent when skipped) */
  attempt?: number
  /** the command id sent (deterministic per alert and attempt) */
  id?: string
  error?: string
  /** the sender's answer as it came */
  result?: CommandResult
  /** the deciding reading's ts */
  decidedAt: number
}

export type ProtectivePlan =
  /** `stillCharging`: an earlier attempt was acknowledged, yet the port still charges */
  | { kind: 'send'; attempt: number; id: string; stillCharging?: true }
  /** not sent, and the alert's history says why */
  | { kind: 'not_sent'; reason: string }
  /** nothing to do, nothing to record (a retry not due, already succeeded, one in flight) */
  | { kind: 'wait' }

/**
 * What to do with a protective command handed out after a commit. `steps`: the alert's `command` steps
 * so far (any command; this one's are picked by name). A first ask (a raise) that cannot go out says so
 * on the alert; a retry (`protect`) that cannot says nothing: the next reading asks again.
 */
export function planProtective(o: {
  alert: Pick<Alert, 'id' | 'state' | 'severity'> | undefined
  name: string
  args: Record<string, unknown>
  decidedAt: number
  nowMs: number
  steps: readonly AlertTransition[]
  retry: boolean
  inFlight: boolean
  /** the deciding reading showed the port charging */
  charging?: boolean
}): ProtectivePlan {
  const mine = o.steps.filter((t) => t.kind === 'command' && stepDetail(t)?.name === o.name)
  const attempts = mine.filter((t) => stepDetail(t)?.attempt !== undefined)
  const last = attempts.at(-1)
  // acknowledged: done, unless the port still charges a while after the last answer (a stuck relay,
  // firmware that answers before it acts): a port above the critical line must not go on charging
  const stillCharging = last !== undefined && acknowledgedStep(last, o.name)
  if (stillCharging && !(o.retry && o.charging)) return { kind: 'wait' }
  if (!stillCharging && mine.some((t) => acknowledgedStep(t, o.name))) return { kind: 'wait' }
  if (o.inFlight) return { kind: 'wait' }
  const verdict = protectiveVerdict(o.alert, o.decidedAt, o.nowMs)
  if (!verdict.send) return o.retry ? { kind: 'wait' } : { kind: 'not_sent', reason: verdict.reason }
  if (o.retry && o.alert?.severity !== 'critical') return { kind: 'wait' }
  const waitMs = stillCharging ? STILL_CHARGING_AFTER_MS : retryAfterMs(attempts.length)
  if (o.retry && last && o.nowMs < last.at + waitMs) return { kind: 'wait' }
  const attempt = attempts.length + 1
  const id = protectiveCommandId(o.alert!.id, o.name, attempt, o.args)
  return stillCharging ? { kind: 'send', attempt, id, stillCharging: true } : { kind: 'send', attempt, id }
}

/**
 * How long after an acknowledged stop_port a port may still report charging before it is asked again: a
 * pile's next report or two (every 30–60 s), with the minute a reading may straddle.
 */
export const STILL_CHARGING_AFTER_MS = 2 * 60_000

/**
 * The same attempt with the same arguments is the same command id: an engine restart that missed an
 * attempt's answer asks again under it, and the command service answers from its audit instead of
 * sending it twice. The arguments are in the id because the service refuses a known id with other
 * arguments (CONFLICT); the rule keeps them the same for every attempt of an alert (rules/pile.ts).
 */
export function protectiveCommandId(
  alertId: string,
  name: string,
  attempt: number,
  args: Record<string, unknown>,
): string {
  const digest = createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 8)
  return `${alertId}:${name}:${attempt}:${digest}`
}

/** A `command` step that says the device acknowledged command `name`. */
export const acknowledgedStep = (t: AlertTransition, name: string): boolean => {
  const d = t.kind === 'command' ? stepDetail(t) : undefined
  return d?.name === name && d.outcome === 'ok'
}

function stepDetail(t: AlertTransition): Partial<CommandStepDetail> | undefined {
  return t.detail as Partial<CommandStepDetail> | undefined
}

/** How an answer or a thrown error of the command sender ends an attempt. */
export function attemptOutcome(answer: { result: CommandResult } | { error: Error & { code?: unknown } }): {
  outcome: AttemptOutcome
  error?: string
} {
  if ('error' in answer) {
    const e = answer.error
    return { outcome: e.code === 'DEVICE_OFFLINE' ? 'offline' : 'not_sent', error: e.message }
  }
  const r = answer.result
  if (r.ok) return { outcome: 'ok' }
  const error = r.error
  switch (r.result) {
    case 'timeout':
    case 'not_sent':
    case 'interrupted':
      return { outcome: r.result, ...(error === undefined ? {} : { error }) }
    default:
      // a sender that does not say: `timeout` is the one error the protocol names
      if (r.result === undefined && error === 'timeout') return { outcome: 'timeout', error }
      return { outcome: 'refused', ...(error === undefined ? {} : { error }) }
  }
}

/** The sentence a crew reads on the alert for an attempt's end. */
export function attemptNote(
  name: string,
  attempt: number,
  o: { outcome: AttemptOutcome; error?: string },
): string {
  const next = `next attempt in ${retryAfterMs(attempt) / 60_000} min while the port stays hot or charging`
  const n = attempt > 1 ? ` (attempt ${attempt})` : ''
  switch (o.outcome) {
    case 'ok':
      return `${name} acknowledged by the device${n}`
    case 'refused':
      return `${name} refused by the device${n}: ${o.error ?? 'no reason given'}; ${next}`
    case 'timeout':
      return `${name} got no answer from the device${n}; ${next}`
    case 'offline':
      return `${name} not sent${n}: the device is not connected; ${next}`
    case 'not_sent':
      return `${name} not sent${n}: ${o.error ?? 'the broker did not take it'}; ${next}`
    case 'interrupted':
      return `${name}${n}: the service stopped before the device answered; ${next}`
    default:
      return unreachable(o.outcome, 'attempt outcome')
  }
}
