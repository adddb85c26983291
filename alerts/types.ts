// Contracts inside the alert part: settings as the rules see them, the pure rules' signals and state.
// The bus between the engine and its listeners is a contract of the whole node: domain/bus.ts.
import type { AlertType, Severity } from '../domain/alerts.ts'
import type { DecodedMessage } from '../domain/decode-message.ts'
import type { DeviceKind } from '../domain/protocol.ts'

// ---- settings (defaults from docs/domain.md; sites and devices override any part) -------------

/** A daily window in local time, minutes from midnight; `end < start` wraps past midnight. */
export interface DailyWindow {
  startMin: number
  endMin: number
  /** ISO weekdays 1–7 (Mon–Sun); all days when absent */
  days?: number[]
}

/** A one-off window, epoch ms. */
export interface TimeWindow {
  from: number
  to: number
}

/**
 * Thresholds, hold times and schedules, resolved for one device: catalogue defaults ← site override ←
 * device override. The full shape lives in alerts/settings.ts (TypeBox schema, also the API body).
 */
export type AlertSettings = Record<string, unknown> & {
  /** local time of the site, minutes east of UTC (Asia/Shanghai = 480) */
  utcOffsetMin: number
  /** for display_blank: the display's operating hours */
  operatingHours?: DailyWindow[]
  /** no tamper alerts and no notifications inside these */
  maintenanceWindows?: (DailyWindow | TimeWindow)[]
}

// ---- rules (pure) --------------------------------------------------------------------------------

export interface RuleDevice {
  id: string
  kind: DeviceKind
  siteId: string
  tenantId: string
  reportIntervalS: number
}

/** What a rule asks of the engine. `at` is event time: the `ts` of the message that decided it. */
export type RuleSignal =
  | {
      action: 'raise'
      type: AlertType
      port?: number
      /** tells apart alerts of one (device, port, type), e.g. the `port_fault` code; part of the dedup key */
      key?: string
      severity: Severity
      at: number
      message: string
      value?: number | string | boolean
      /** why: figures a crew can check (alert `evidence`); replaces the stored one when given */
      evidence?: Record<string, unknown>
      /** a protective command to send with the alert (e.g. stop_port at critical overheat) */
      command?: { name: 'stop_port'; args: { port: number; reason: string } }
    }
  | {
      /**
       * The condition a protective command was asked for still holds at `at` (stop_port: the port is still
       * critical and still reported hot or charging). The engine sends the open alert's command again if
       * no attempt has succeeded yet and its backoff has passed (alerts/protective-command.ts); it changes
       * no alert.
       */
      action: 'protect'
      type: AlertType
      port?: number
      key?: string
      at: number
      /** what the reading showed (stop_port: the port's °C) */
      value?: number | string | boolean
      message?: string
      command: { name: 'stop_port'; args: { port: number; reason: string } }
      /** the port still reported charging: after an acknowledged stop_port, its relay did not open */
      charging?: boolean
    }
  | {
      action: 'clear'
      type: AlertType
      port?: number
      /** as on `raise`: clears only the alert with this key */
      key?: string
      at: number
      message?: string
      value?: number | string | boolean
    }

/** Plain JSON (persisted across restarts): hold timers, hysteresis, detector windows per device. */
export type DeviceRuleState = Record<string, unknown>

export interface RuleInput {
  device: RuleDevice
  /** a decoded telemetry, event or status message */
  msg: DecodedMessage
  /** arrival time (broker receive), epoch ms: status messages carry no `ts` */
  arrivalMs: number
  settings: AlertSettings
}

export type EvaluateDevice = (
  state: DeviceRuleState,
  input: RuleInput,
) => { state: DeviceRuleState; signals: RuleSignal[] }

/**
 * A person cleared `alert` by hand: the rules' state without its condition open, so a condition that
 * persists raises it anew (rules/forget.ts); the same object when the rules keep nothing for it.
 */
export type ForgetClearedAlert = (
  state: DeviceRuleState,
  alert: { type: AlertType; port?: number },
) => DeviceRuleState

/**
 * The one wall-clock rule: no message for 3 × the report interval, or Will `offline` held for 2 min.
 * `heardSinceMs`: since when the engine has been listening (its start). Silence before it is the
 * service's own downtime, not the device's: the rule counts from then at the earliest.
 */
export type EvaluateOffline = (
  state: DeviceRuleState,
  device: RuleDevice,
  nowMs: number,
  settings: AlertSettings,
  heardSinceMs?: number,
) => { state: DeviceRuleState; signals: RuleSignal[] }
