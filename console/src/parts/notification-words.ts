// An alert's notification (GET /alerts/{id}/notifications) in the page's language, from its structured
// fields: why it went (reason), by what (channel type), how it went (state), and why one did not go
// (cause, with who acknowledged): `告警产生 · 未发送：wang.crew 已确认` / `raised · not sent: acknowledged
// by wang.crew`, not `webhook dropped raised`.
import { actorLabel, type PeopleNames } from './actor.ts'
import { known, type Words } from './words.ts'

export interface NotificationFacts {
  kind: string
  reason?: string
  channelType?: string
  state?: string
  attempts?: number
  cause?: string
  acknowledgedBy?: string
  /** when it went, or was held back: after the acknowledgement it names */
  at?: number
  /** not shown: an id means nothing to a crew, and a silence is named by its matchers and comment */
  silenceId?: string
}

const REASONS = ['raised', 'severity_changed', 'repeat', 'escalation', 'cleared'] as const
const CHANNELS = ['webhook', 'email'] as const

/** `告警产生` / `raised`: why it was sent */
export function notificationReason(n: NotificationFacts, w: Words): string {
  return known(REASONS, n.reason)
    ? w.tr(`notifyReason.${n.reason}`)
    : w.tr('notifyReason.unknown', { reason: String(n.reason ?? '?') })
}

/** `已送达（Webhook）`, `未发送：维护时段内` …: what became of it */
export function notificationOutcome(n: NotificationFacts, w: Words, names?: PeopleNames): string {
  const { tr } = w
  const channel = known(CHANNELS, n.channelType)
    ? tr(`channel.${n.channelType}`)
    : n.channelType
      ? tr('channel.other', { type: n.channelType })
      : tr('channel.none')
  const notSent = () => {
    switch (n.cause) {
      case 'acknowledged':
        return n.acknowledgedBy
          ? tr('notifyOutcome.ackedBy', { who: actorLabel(n.acknowledgedBy, tr, names, n.at) })
          : tr('notifyOutcome.acked')
      case 'silence':
        return tr('notifyOutcome.silence')
      case 'maintenance':
        return tr('notifyOutcome.maintenance')
      case 'never_paged':
        return tr('notifyOutcome.neverPaged')
      default:
        return tr('notifyOutcome.notSent')
    }
  }
  if (n.kind === 'suppressed') return notSent()
  switch (n.state) {
    case 'delivered':
      return tr('notifyOutcome.delivered', { channel })
    case 'pending':
      return n.attempts !== undefined && n.attempts > 0
        ? tr('notifyOutcome.retrying', { channel, n: n.attempts })
        : tr('notifyOutcome.pending', { channel })
    case 'dead':
      return tr('notifyOutcome.dead', { channel })
    case 'dropped':
      return notSent()
    default:
      return tr('notifyOutcome.unknown', { channel, state: String(n.state ?? '?') })
  }
}

/** The whole line after its time: `告警产生 · 已送达（Webhook）` */
export const notificationText = (n: NotificationFacts, w: Words, names?: PeopleNames): string =>
  `${notificationReason(n, w)} · ${notificationOutcome(n, w, names)}`
