// The API shapes the console reads (docs/api.md). Alerts and payloads come from domain/ (types only:
// nothing of the server's schema library reaches the bundle).

import type { SignatureKind } from '../../alerts/index.ts'
import type { Alert, AlertTransition, AlertType, Severity } from '../../domain/alerts.ts'
import type { DeviceKind } from '../../domain/protocol.ts'

export type {
  ChargingPileTelemetry,
  CircuitMonitorTelemetry,
  DaycareSensorTelemetry,
  DeviceEvent,
  DeviceKind,
  OutdoorDisplayTelemetry,
  PilePort,
  Telemetry,
} from '../../domain/protocol.ts'
export type { Alert, AlertTransition, AlertType, Severity }

export type SiteKind = 'charging-shed' | 'daycare-centre' | 'display' | 'building'

export interface Site {
  id: string
  name: string
  community: string
  communityId: string
  kind: SiteKind
}

export interface Device {
  id: string
  kind: DeviceKind
  siteId: string
  name?: string
  reportIntervalS: number
  online: boolean
  lastSeen?: number
  /** latest stored reading: payload fields with `feeder` and `ports` rebuilt */
  reading?: Record<string, unknown>
}

export interface User {
  id?: string
  username: string
  role: string
  tenantId?: string | null
  /** null from the API when none was given */
  displayName?: string | null
}

/**
 * Whether the console offers acknowledging, clearing and commands (docs/api.md v1.1: a viewer reads
 * only). A kiosk's API token has no known role (`token`): it is offered them, and the API decides.
 */
export const mayAct = (u: User): boolean => u.role !== 'viewer'

/**
 * Whether the console offers changing what the alert rules take for normal (the API's `settings:write`:
 * an admin or a manager, not a crew). A kiosk's token is offered it, and the API decides.
 */
export const mayChangeSettings = (u: User): boolean => ['admin', 'manager', 'token'].includes(u.role)

/** What the console calls a person: the display name the API gives, else the username. */
export const personName = (u: User): string => u.displayName || u.username

export interface CommandRecord {
  id: string
  name: string
  args: Record<string, unknown>
  by: string
  requestedAt: number
  result: string
  error?: string
  ackAt?: number
  /** the ack came after the wait had ended in `timeout` */
  lateAck?: boolean
}

export interface AlertDetail extends Alert {
  history: AlertTransition[]
  commands: CommandRecord[]
}

/** GET /alerts/{id}/notifications (api/routes/notify/schemas.ts): codes, worded by parts/notification-words.ts */
export interface AlertNotification {
  kind: 'sent' | 'suppressed'
  reason?: string
  at: number
  channelType?: string
  state?: string
  attempts?: number
  lastError?: string
  cause?: string
  acknowledgedBy?: string
  silenceId?: string
}

export interface ListAnswer<T> {
  items: T[]
  next?: string
}

/** Severity order, least to most severe (domain/alerts.ts SEVERITIES). */
export const SEVERITY_ORDER = ['warning', 'minor', 'major', 'critical'] as const satisfies readonly Severity[]
export const severityRank = (s: Severity): number => SEVERITY_ORDER.indexOf(s)

export const ALERT_TYPE_LIST = [
  'smoke',
  'port_fault',
  'port_overheat',
  'leakage',
  'stray_wire_charging',
  'device_offline',
  'emergency_call',
  'fall_detected',
  'wandering',
  'air_quality',
  'display_blank',
  'display_overheat',
  'display_hardware',
  'display_tamper',
] as const satisfies readonly AlertType[]
// every type of the catalogue is listed: a type added in domain/alerts.ts fails the build here
type Missing = Exclude<AlertType, (typeof ALERT_TYPE_LIST)[number]>
export const noMissingAlertType: [Missing] extends [never] ? true : Missing = true

/** Worst first: severity, then still active before acknowledged, then newest. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    Number(a.state !== 'active') - Number(b.state !== 'active') ||
    b.raisedAt - a.raisedAt
  )
}

export const isOpen = (a: Alert) => a.state !== 'cleared'

/**
 * What a stray-wire alert's load may be said to be instead of a charger (alerts/ SIGNATURE_KINDS; the
 * API's `notCharging`): clearing it so teaches the circuit that load.
 */
export const SIGNATURE_KIND_LIST: readonly SignatureKind[] = ['lights', 'compressor', 'equipment', 'other']
export type { SignatureKind }

/** GET /devices/{id}/stray-wire/learned: a load the stray-wire check takes for the circuit's normal */
export interface LearnedLoad {
  id: string
  kind: SignatureKind
  /** learned: from the circuit's own history; crew: an alert cleared as not charging */
  source: 'learned' | 'crew'
  /** over the circuit's background, W */
  levelW: number
  /** local minutes of the day it is on (lights); null: any time */
  window: { fromMin: number; toMin: number } | null
  count: number
  firstTs: number
  lastTs: number
  alertId?: string
  note?: string
  /**
   * a crew's compressor on a watts-only meter: the ids of the circuit's own compressors (in the same list)
   * that now account for it
   */
  handedTo?: string[]
}
