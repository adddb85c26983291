// The alert catalogue (docs/domain.md) and the alert object (docs/api.md): one definition for the
// engine, the API schemas, socket.io and the dashboards.
import Type, { type Static } from 'typebox'

export const ALERT_TYPES = [
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
] as const
export type AlertType = (typeof ALERT_TYPES)[number]

/** Ordered from least to most severe: severity may only rise while an alert is open. */
export const SEVERITIES = ['warning', 'minor', 'major', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s)

export const ALERT_STATES = ['active', 'acknowledged', 'cleared'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/** Alerts that only a person clears (acknowledged and cleared by staff). */
export const MANUAL_CLEAR_TYPES: readonly AlertType[] = ['emergency_call', 'fall_detected', 'wandering']

export const Alert = Type.Object({
  id: Type.String(),
  type: Type.Enum(ALERT_TYPES),
  severity: Type.Enum(SEVERITIES),
  state: Type.Enum(ALERT_STATES),
  deviceId: Type.String(),
  siteId: Type.String(),
  port: Type.Optional(Type.Integer()),
  message: Type.String(),
  /** event time: the `ts` of the reading or event that raised it */
  raisedAt: Type.Integer(),
  acknowledgedAt: Type.Optional(Type.Integer()),
  /** `user:<username>` or `token:<token name>`, as AlertTransition.by */
  acknowledgedBy: Type.Optional(Type.String()),
  clearedAt: Type.Optional(Type.Integer()),
  /** `user:<username>`, `token:<token name>` or `system` (the rule saw it end) */
  clearedBy: Type.Optional(Type.String()),
  lastValue: Type.Optional(Type.Union([Type.Number(), Type.String(), Type.Boolean()])),
  /** why the rule raised it, in figures a crew can check (stray_wire_charging: step, level, PF/THD, …) */
  evidence: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  count: Type.Integer({ minimum: 1 }),
  /** last change of any kind (event time for rule-driven changes, wall clock for people) */
  updatedAt: Type.Integer(),
})
export type Alert = Static<typeof Alert>

export const TRANSITION_KINDS = [
  'raised',
  'repeated',
  'severity_changed',
  'acknowledged',
  'cleared',
  'command',
  'notified',
] as const
export type TransitionKind = (typeof TRANSITION_KINDS)[number]

/** One stored step in an alert's history: who/when/what. */
export const AlertTransition = Type.Object({
  alertId: Type.String(),
  kind: Type.Enum(TRANSITION_KINDS),
  at: Type.Integer(),
  /** `system` for rules, `user:<username>` for people, `token:<token name>` for API tokens, `auto` for protective actions */
  by: Type.String(),
  note: Type.Optional(Type.String()),
  severity: Type.Optional(Type.Enum(SEVERITIES)),
  value: Type.Optional(Type.Union([Type.Number(), Type.String(), Type.Boolean()])),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})
export type AlertTransition = Static<typeof AlertTransition>

// ---- evidence: why a rule raised, in figures (the alert's optional `evidence`, an addition to v1) -----
// The console says these in the page's language; the English `message` stays as it was for integrators.
// Each a type alias (not an interface) so that it is a plain JSON record, as `evidence` is typed.

/** air_quality: a limit one reading broke. CO2 and PM2.5 are over a `max`; temperature and humidity
 * are outside the season's band [min, max]. The CO2 breach also names the level it turns major from. */
export type AirBreach =
  | { measure: 'co2Ppm'; value: number; max: number; majorFrom: number }
  | { measure: 'pm25Ugm3'; value: number; max: number }
  | { measure: 'tempC' | 'humidityPct'; value: number; min: number; max: number; season: 'summer' | 'winter' }

export type AirQualityEvidence = {
  /** every limit the raising reading broke, in the order of the message (the first is `lastValue`) */
  breaches: AirBreach[]
  /** event time since which the air had been outside the limits without a break */
  since: number
  /** the room the sensor reports, as it reports it (a device's text, cleaned) */
  room?: string
}

/** display_hardware: what a reading (or a `module_failure` event) showed wrong. */
export type DisplayFault =
  | { fault: 'fan' }
  /** `count` from the reading's `failedModules` or the event's `modules`; absent when the event had none */
  | { fault: 'modules'; count?: number }
  | { fault: 'supply'; voltageV: number; minV: number; maxV: number }

export type DisplayHardwareEvidence = { faults: DisplayFault[] }

/**
 * device_offline: `silent`, no message for `intervals` × `reportIntervalS` since `lastMessageAt`; or
 * `will`, disconnected (its Will said offline) at `disconnectedAt` and not back within `holdS`.
 * Times are arrival times, epoch ms.
 */
export type DeviceOfflineEvidence =
  | { reason: 'silent'; lastMessageAt: number; reportIntervalS: number; intervals: number }
  | { reason: 'will'; disconnectedAt: number; holdS: number; lastMessageAt?: number }
