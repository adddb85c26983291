// Pure decisions: which routes an alert matches, how often it repeats, which silence holds it, and when a
// failed delivery is tried again.
import { type Alert, type Severity, severityRank } from '../domain/alerts.ts'
import { DEFAULT_REPEAT_EVERY_MIN, type NotificationRoute, type NotifyReason, type Silence } from './types.ts'

const MIN_MS = 60_000

export function routeMatches(route: NotificationRoute, alert: Alert, tenantId: string): boolean {
  return (
    route.enabled &&
    route.tenantId === tenantId &&
    severityRank(alert.severity) >= severityRank(route.minSeverity) &&
    (route.siteIds === undefined || route.siteIds.length === 0 || route.siteIds.includes(alert.siteId)) &&
    (route.types === undefined || route.types.length === 0 || route.types.includes(alert.type))
  )
}

/** ms between repeats of an unacknowledged alert of `severity` on `route`; undefined: no repeats. */
export function repeatIntervalMs(route: NotificationRoute, severity: Severity): number | undefined {
  const own = route.repeatEveryMin[severity]
  const min = own === undefined ? DEFAULT_REPEAT_EVERY_MIN[severity] : own
  return min ? min * MIN_MS : undefined
}

export function escalationDelayMs(route: NotificationRoute): number | undefined {
  return route.escalateAfterMin !== undefined && route.escalateTo?.length
    ? route.escalateAfterMin * MIN_MS
    : undefined
}

export function silenceMatches(silence: Silence, alert: Alert, at: number): boolean {
  const m = silence.matchers
  return (
    silence.from <= at &&
    at < silence.to &&
    (m.siteId === undefined || m.siteId === alert.siteId) &&
    (m.deviceId === undefined || m.deviceId === alert.deviceId) &&
    (m.type === undefined || m.type === alert.type) &&
    (m.severity === undefined || m.severity === alert.severity)
  )
}

export const findSilence = (silences: readonly Silence[], alert: Alert, at: number): Silence | undefined =>
  silences.find((s) => silenceMatches(s, alert, at))

/** Why a queued page about an alert is not sent after all; see dropCause. */
export type DropCause =
  | { cause: 'acknowledged'; by?: string }
  | { cause: 'silence'; silenceId: string }
  | { cause: 'never_paged' }

/**
 * Whether a page that waited in the outbox (its group window, a retry, a channel held back) still goes,
 * judged when it is due against the alert and the silences as they are now. Acknowledged: someone is on
 * it, so its raise, repeats and escalation no longer go (its clear does, and a rise in severity, which the
 * planner pages for an acknowledged alert too). Silenced now: nothing about it goes while the silence
 * lasts, as the planner holds back what it plans then. A clear goes only to a channel that paged the crew
 * about the alert (`pagedHere`, asked for clears only: delivered, going in the same message, or still
 * queued and going): "cleared" about something a crew was never told of (its raise dropped while the
 * receiver was down, say) sends them looking for what they missed.
 */
export function dropCause(
  reason: NotifyReason,
  alert: Alert,
  silences: readonly Silence[],
  now: number,
  pagedHere: () => boolean = () => true,
): DropCause | undefined {
  const acknowledged = alert.state === 'acknowledged' || alert.acknowledgedAt !== undefined
  if (acknowledged && reason !== 'cleared' && reason !== 'severity_changed')
    return { cause: 'acknowledged', by: alert.acknowledgedBy }
  const silence = findSilence(silences, alert, now)
  if (silence) return { cause: 'silence', silenceId: silence.id }
  if (reason === 'cleared' && !pagedHere()) return { cause: 'never_paged' }
  return undefined
}

/**
 * A failed delivery is tried again until it is `maxAgeMs` old, however many attempts that takes: a
 * receiver down for hours still gets the raise and then the clear. Attempts are not capped: at `capMs`
 * they are 5–10 min apart (144–288 a day), one per channel at a time (outbox-worker.ts), so a cap would
 * either end retries long before `maxAgeMs` or never apply.
 */
export interface RetryPolicy {
  /** delay before the 2nd attempt */
  baseMs: number
  capMs: number
  /** an entry still failing at this age is given up (dead) */
  maxAgeMs: number
  /** an entry failing for this long since its first failed attempt no longer holds back its channel */
  holdMs: number
  /** an entry alerts.db refused to judge for this long (since the first refusal) goes as it was queued */
  judgeForMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 10_000,
  capMs: 10 * MIN_MS,
  maxAgeMs: 24 * 60 * MIN_MS,
  // A channel's pages go in order (a crew reads raised before cleared), so a failing page holds back the
  // later ones, but not for ever: one the receiver refuses for itself (a 500 to that payload only) would
  // hold every later page, new critical raises included, for 24 h. 10 min is the retry cap: by then the
  // page was tried 7 times (at 0, 5–10 s, … 4–8 min), a receiver restarting, redeploying or rate-limiting
  // has long answered, and a later page is no later than the backoff alone could have made it. Past it the
  // order is still kept whenever the receiver answers: a later page is only ever sent in the same run
  // right after every older pending one was tried (delivery-store.ts dueForChannel), so it overtakes only
  // a page the receiver just refused while accepting the next one, an older page past its hold passed by
  // when two in a row were refused and the one tried longest ago is tried next, or, once the receiver was
  // taken as down, an older page past its hold that was left for the channel's next round
  // (outbox-worker.ts runChannel, probeBehind).
  holdMs: 10 * MIN_MS,
  // A page is judged (acknowledged? silenced? its clear wanted?) against alerts.db when due; while alerts.db
  // refuses, the page and the rest of its channel wait, but for 1 min at most: the crew would rather get a
  // page that could not be checked (at worst about an alert someone acknowledged meanwhile) than none, or
  // a fire's raise minutes late. 1 min rides out what makes alerts.db refuse for a while and then answer
  // (a long engine transaction, a checkpoint: each read waits up to the 5 s busy timeout, tried every
  // tick), and keeps the page within a group window (30 s) or two of when it was due, well inside the
  // 5 min a critical alert repeats at.
  judgeForMs: MIN_MS,
}

/**
 * Delay after the `attempts`-th failed attempt: exponential, capped, with "equal jitter" (half fixed, half
 * random) so a receiver coming back is not hit by every queued message at the same instant, yet the
 * delay never collapses to zero. `random` is in [0, 1).
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: number): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(exp / 2 + (exp / 2) * random)
}

/** Whether a failed entry gets another attempt. */
export function shouldRetry(
  entry: { createdAt: number },
  now: number,
  policy: RetryPolicy,
  retryable: boolean,
): boolean {
  return retryable && now - entry.createdAt < policy.maxAgeMs
}

/**
 * Whether a failing entry no longer holds back the later entries of its channel: it has been failing for
 * `holdMs` since its first failed attempt (delivery-store.ts keeps the same test in SQL).
 */
export function heldTooLong(entry: { firstFailedAt?: number }, now: number, policy: RetryPolicy): boolean {
  return entry.firstFailedAt !== undefined && now - entry.firstFailedAt >= policy.holdMs
}
