// Notifications to crews: what is stored (channels, routes, silences) and what goes out.
import type { Alert, AlertTransition, AlertType, Severity } from '../domain/alerts.ts'

export const CHANNEL_TYPES = ['webhook', 'email'] as const
export type ChannelType = (typeof CHANNEL_TYPES)[number]

/** `json` is our own signed body; the others are the group-robot formats of WeCom, DingTalk and Feishu. */
export const WEBHOOK_FORMATS = ['json', 'wecom', 'dingtalk', 'feishu'] as const
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number]

export interface WebhookConfig {
  url: string
  format: WebhookFormat
}

export interface EmailConfig {
  to: string[]
}

interface ChannelBase {
  id: string
  tenantId: string
  name: string
  createdAt: number
  updatedAt: number
}

/** As stored: `secret` signs webhook bodies (and the robots' `sign`); the API never returns it after creation. */
export type Channel = ChannelBase &
  (
    | { type: 'webhook'; config: WebhookConfig; secret?: string }
    | { type: 'email'; config: EmailConfig; secret?: undefined }
  )

/** Per severity, minutes between repeats while unacknowledged; null or 0: no repeats. */
export type RepeatEveryMin = Partial<Record<Severity, number | null>>

/** Repeat defaults (docs/domain.md "Alert catalogue"): critical every 5 min, major every 30 min, others never. */
export const DEFAULT_REPEAT_EVERY_MIN: Record<Severity, number | null> = {
  critical: 5,
  major: 30,
  minor: null,
  warning: null,
}

export interface NotificationRoute {
  id: string
  tenantId: string
  name: string
  /** all sites of the tenant when absent */
  siteIds?: string[]
  minSeverity: Severity
  /** all alert types when absent */
  types?: AlertType[]
  channelIds: string[]
  /** minutes without an acknowledgement before `escalateTo` is notified too */
  escalateAfterMin?: number
  escalateTo?: string[]
  repeatEveryMin: RepeatEveryMin
  notifyOnClear: boolean
  enabled: boolean
  createdAt: number
  updatedAt: number
}

export interface SilenceMatchers {
  siteId?: string
  deviceId?: string
  type?: AlertType
  severity?: Severity
}

export interface Silence {
  id: string
  tenantId: string
  matchers: SilenceMatchers
  from: number
  to: number
  comment: string
  createdBy: string
  createdAt: number
}

/** Why a notification item goes out. */
export const NOTIFY_REASONS = ['raised', 'severity_changed', 'repeat', 'escalation', 'cleared'] as const
export type NotifyReason = (typeof NOTIFY_REASONS)[number]

export interface NotifyItem {
  reason: NotifyReason
  alert: Alert
  transition: AlertTransition
}

export interface SiteInfo {
  tenantId: string
  name: string
  community: string
  /** local time of the site for message text, minutes east of UTC (Asia/Shanghai = 480); UTC when absent */
  utcOffsetMin?: number
}

/** One message to one channel: a single alert change, or a group from one site. */
export interface OutgoingMessage {
  /** outbox id: stable across retries, so receivers can drop duplicates */
  id: string
  tenantId: string
  siteId: string
  site?: SiteInfo
  items: NotifyItem[]
}

/** `dropped`: never sent, because every alert it was about was acknowledged or silenced by the time it was due */
export const DELIVERY_STATES = ['pending', 'delivered', 'dead', 'dropped'] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]
