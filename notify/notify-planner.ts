// What the notifier decides, on SQLite only (no network): alert changes → tracking rows and grouped items;
// due repeats and escalations → items; due groups → outbox entries. Called inside one transaction each.
import type { Logger } from 'pino'
import type { Alert, AlertTransition } from '../domain/alerts.ts'
import type { AlertChange } from '../domain/bus.ts'
import type { NotifyConfigStore } from './config-store.ts'
import type { DeliveryStore, Tracking } from './delivery-store.ts'
import type { NotifyMetrics } from './metrics.ts'
import { escalationDelayMs, findSilence, repeatIntervalMs, routeMatches } from './routing.ts'
import type { NotificationRoute, NotifyItem, NotifyReason } from './types.ts'

const MAX_ITEMS_PER_MESSAGE = 50

export interface PlannerDeps {
  config: NotifyConfigStore
  deliveries: DeliveryStore
  metrics: NotifyMetrics
  log: Logger
  now: () => number
  groupWindowMs: number
  isInMaintenance?(siteId: string, deviceId: string, at: number): boolean
  currentAlert?(alertId: string): Alert | undefined
}

export function createNotifyPlanner(deps: PlannerDeps) {
  const { config, deliveries, metrics, log, groupWindowMs } = deps

  /** The silence or maintenance window holding this notification back, recorded; undefined: send it. */
  function suppressed(t: Tracking, reason: NotifyReason, now: number, eventAt: number): boolean {
    const silence = findSilence(config.activeSilences(t.tenantId, now), t.alert, now)
    // maintenance is judged at the time of the event: work done then explains what the devices reported
    const maintenance = !silence && deps.isInMaintenance?.(t.alert.siteId, t.alert.deviceId, eventAt) === true
    if (!silence && !maintenance) return false
    const cause = silence ? 'silence' : 'maintenance'
    deliveries.recordSuppressed({
      alertId: t.alertId,
      tenantId: t.tenantId,
      routeId: t.routeId,
      reason,
      cause,
      silenceId: silence?.id,
      at: now,
    })
    metrics.suppressed.inc({ cause })
    log.debug({ alertId: t.alertId, routeId: t.routeId, reason, cause }, 'notification suppressed')
    return true
  }

  function enqueue(t: Tracking, channelIds: readonly string[], item: NotifyItem, dueAt: number): void {
    for (const channelId of new Set(channelIds)) {
      if (!config.getChannel(channelId, t.tenantId)) {
        log.warn({ routeId: t.routeId, channelId }, 'route names a missing channel')
        continue
      }
      deliveries.enqueue({ channelId, tenantId: t.tenantId, siteId: t.siteId, item }, dueAt)
    }
  }

  const targets = (route: NotificationRoute, t: Tracking) =>
    t.escalatedAt === undefined ? route.channelIds : [...route.channelIds, ...(route.escalateTo ?? [])]

  /**
   * The route of a tracking row while it still routes the alert: a manager may delete a route, switch it
   * off or narrow it (sites, types, minimum severity) after it matched, and from then on it pages no one
   * about the alert: no repeat, escalation or clear. Otherwise the row is dropped and undefined returned.
   */
  function liveRoute(t: Tracking, alert: Alert): NotificationRoute | undefined {
    const route = config.getRoute(t.routeId)
    if (route && routeMatches(route, alert, t.tenantId)) return route
    deliveries.deleteRouteTracking(t.alertId, t.routeId)
    log.debug(
      { alertId: t.alertId, routeId: t.routeId },
      'route no longer routes the alert: tracking dropped',
    )
    return undefined
  }

  function startTracking(
    route: NotificationRoute,
    change: AlertChange,
    reason: NotifyReason,
    now: number,
  ): void {
    const { alert, transition, tenantId } = change
    const repeat = repeatIntervalMs(route, alert.severity)
    const escalate = escalationDelayMs(route)
    const t: Tracking = {
      alertId: alert.id,
      routeId: route.id,
      tenantId,
      siteId: alert.siteId,
      alert,
      state: alert.state,
      notified: false,
      nextRepeatAt: repeat === undefined ? undefined : now + repeat,
      escalateAt: escalate === undefined ? undefined : now + escalate,
    }
    // the caller saw no tracking row for this pair: a raise replayed by the engine is notified once
    t.notified = !suppressed(t, reason, now, transition.at)
    if (!deliveries.insertTracking(t) || !t.notified) return
    enqueue(t, route.channelIds, { reason, alert, transition }, now + groupWindowMs)
  }

  function onChange(change: AlertChange): void {
    const { alert, transition, tenantId } = change
    const now = deps.now()
    const tracked = deliveries.tracking(alert.id)
    const refresh = (t: Tracking) => deliveries.updateTracking({ ...t, alert, state: alert.state })
    switch (transition.kind) {
      case 'raised':
      case 'severity_changed': {
        const byRoute = new Map(tracked.map((t) => [t.routeId, t]))
        for (const route of config.allRoutes(tenantId)) {
          if (!routeMatches(route, alert, tenantId)) continue
          const t = byRoute.get(route.id)
          if (!t) {
            startTracking(route, change, transition.kind, now)
            continue
          }
          if (transition.kind === 'raised') continue
          // rising severity: tell the crew now and repeat at the new severity's pace from here on
          const repeat = repeatIntervalMs(route, alert.severity)
          const next = { ...t, alert, state: alert.state }
          if (repeat !== undefined) next.nextRepeatAt = Math.min(t.nextRepeatAt ?? Infinity, now + repeat)
          if (!suppressed(next, 'severity_changed', now, transition.at)) {
            next.notified = true
            enqueue(
              next,
              targets(route, next),
              { reason: 'severity_changed', alert, transition },
              now + groupWindowMs,
            )
          }
          deliveries.updateTracking(next)
          byRoute.delete(route.id)
        }
        for (const t of byRoute.values()) refresh(t)
        return
      }
      case 'cleared': {
        for (const t of tracked) {
          const route = liveRoute(t, alert)
          const next = { ...t, alert, state: alert.state }
          if (route?.notifyOnClear && t.notified && !suppressed(next, 'cleared', now, transition.at))
            enqueue(next, targets(route, next), { reason: 'cleared', alert, transition }, now + groupWindowMs)
        }
        deliveries.deleteTracking(alert.id)
        return
      }
      default:
        // acknowledged stops repeats and escalation (tick only looks at active alerts); others refresh the text
        for (const t of tracked) refresh(t)
    }
  }

  /** The tracking row brought up to date with the engine; undefined when there is nothing left to do. */
  function reconcile(t: Tracking): Tracking | undefined {
    if (!deps.currentAlert) return t
    const alert = deps.currentAlert(t.alertId)
    if (!alert || alert.state === 'cleared') {
      deliveries.deleteTracking(t.alertId)
      return undefined
    }
    if (alert.state === 'active') return { ...t, alert }
    deliveries.updateTracking({ ...t, alert, state: alert.state })
    return undefined
  }

  /** Repeats and escalations that are due, as items in their groups (due at once). */
  function timers(now: number): void {
    for (const due of deliveries.dueTracking(now)) {
      const t = reconcile(due)
      if (!t) continue
      const route = liveRoute(t, t.alert)
      if (!route) continue
      const next: Tracking = { ...t }
      const transition: AlertTransition = { alertId: t.alertId, kind: 'notified', at: now, by: 'system' }
      const item = (reason: NotifyReason): NotifyItem => ({ reason, alert: t.alert, transition })
      if (t.escalateAt !== undefined && t.escalateAt <= now && t.escalatedAt === undefined) {
        next.escalatedAt = now
        if (!suppressed(next, 'escalation', now, now)) {
          next.notified = true
          enqueue(next, route.escalateTo ?? [], item('escalation'), now)
        }
      }
      if (t.nextRepeatAt !== undefined && t.nextRepeatAt <= now) {
        const reason: NotifyReason = t.notified ? 'repeat' : 'raised'
        if (!suppressed(next, reason, now, now)) {
          next.notified = true
          enqueue(next, targets(route, next), item(reason), now)
        }
        const every = repeatIntervalMs(route, t.alert.severity)
        // a tick that came late (process down) repeats once, not once per missed interval
        const after = every === undefined ? undefined : t.nextRepeatAt + every
        next.nextRepeatAt = after === undefined || after > now ? after : now + every!
      }
      deliveries.updateTracking(next)
    }
  }

  /** Due groups become outbox entries; an alert appears once per message per reason, and a plain repeat
   *  is dropped when the same message already says more about that alert. */
  function flush(now: number): void {
    for (const g of deliveries.takeDueGroups(now)) {
      const channel = config.getChannel(g.channelId)
      if (!channel) continue
      const seen = new Set<string>()
      const hasOther = new Set(g.items.filter((i) => i.reason !== 'repeat').map((i) => i.alert.id))
      const items = g.items.filter((i) => {
        const key = `${i.alert.id}\u0000${i.reason}`
        if (seen.has(key) || (i.reason === 'repeat' && hasOther.has(i.alert.id))) return false
        seen.add(key)
        return true
      })
      // a storm (a whole estate losing power) still makes messages a robot or a mail client can show
      for (let i = 0; i < items.length; i += MAX_ITEMS_PER_MESSAGE)
        deliveries.addOutbox(
          {
            channelId: channel.id,
            channelType: channel.type,
            tenantId: g.tenantId,
            siteId: g.siteId,
            items: items.slice(i, i + MAX_ITEMS_PER_MESSAGE),
          },
          now,
        )
    }
  }

  return { onChange, timers, flush }
}
