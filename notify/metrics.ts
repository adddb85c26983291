// courtyard_notification* metrics on the injected prom-client registry (never the global one).
import { Counter, Gauge, type Registry } from 'prom-client'

export interface NotifyMetrics {
  notifications: Counter<'channel_type' | 'outcome'>
  retries: Counter<'channel_type'>
  suppressed: Counter<'cause'>
  unjudged: Counter<'channel_type'>
}

function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make()
}

export function createNotifyMetrics(
  registry: Registry,
  outboxDepth: () => number,
  unplanned: () => number = () => 0,
): NotifyMetrics {
  metric(
    registry,
    'courtyard_notification_changes_unplanned',
    () =>
      new Gauge({
        name: 'courtyard_notification_changes_unplanned',
        help: 'alert changes committed and not yet planned for notification (alerts.db busy, a backlog after a restart)',
        registers: [registry],
        collect() {
          this.set(unplanned())
        },
      }),
  )
  metric(
    registry,
    'courtyard_notification_outbox_depth',
    () =>
      new Gauge({
        name: 'courtyard_notification_outbox_depth',
        help: 'notifications waiting in the outbox (first attempt, retry, or behind an earlier one of their channel)',
        registers: [registry],
        collect() {
          this.set(outboxDepth())
        },
      }),
  )
  return {
    notifications: metric(
      registry,
      'courtyard_notifications_total',
      () =>
        new Counter({
          name: 'courtyard_notifications_total',
          help: 'notification attempts by outcome: delivered, failed (will retry) or dead (given up: not worth retrying, or still failing once 24 h old); dropped: a queued message not sent, every alert in it acknowledged or silenced by the time it was due',
          labelNames: ['channel_type', 'outcome'],
          registers: [registry],
        }),
    ),
    retries: metric(
      registry,
      'courtyard_notification_retries_total',
      () =>
        new Counter({
          name: 'courtyard_notification_retries_total',
          help: 'notification attempts after the first',
          labelNames: ['channel_type'],
          registers: [registry],
        }),
    ),
    suppressed: metric(
      registry,
      'courtyard_notifications_suppressed_total',
      () =>
        new Counter({
          name: 'courtyard_notifications_suppressed_total',
          help: 'notifications of an alert not sent, by cause: silence or maintenance (when planned), or acknowledged, silence or never_paged (a clear for a channel that never paged about the alert) taken off a queued message when it was due',
          labelNames: ['cause'],
          registers: [registry],
        }),
    ),
    unjudged: metric(
      registry,
      'courtyard_notifications_unjudged_total',
      () =>
        new Counter({
          name: 'courtyard_notifications_unjudged_total',
          help: 'queued notifications sent as they were queued, not judged against their alerts and the silences, because alerts.db refused to judge them for a while (1 min by default)',
          labelNames: ['channel_type'],
          registers: [registry],
        }),
    ),
  }
}
