// The typed buses between the parts: the alert engine announces every change of an alert, and whoever
// acts on one (live feed, InfluxDB annotations, notifier, protective commands) listens; a command sender
// is what a part that needs a device to act is given.
import type { EventEmitter } from 'node:events'
import type { Alert, AlertTransition } from './alerts.ts'

// ---- engine → listeners --------------------------------------------------------------------------

export interface AlertChange {
  alert: Alert
  transition: AlertTransition
  tenantId: string
  /** the protective command the deciding raise signal asked for (RuleSignal.command); sent once per
   * alert by the engine's dispatch */
  command?: { name: string; args: Record<string, unknown> }
}

export interface AlertBusEvents {
  change: [AlertChange]
}

export type AlertBus = EventEmitter<AlertBusEvents>

// ---- protective commands -------------------------------------------------------------------------

export interface CommandResult {
  id: string
  ok: boolean
  error?: string
  /**
   * How it ended, when the sender says (the command service does): `error` the device refused it,
   * `timeout` no ack in time, `not_sent` the broker did not take it, `interrupted` the service stopped
   * waiting. Without it, `ok: false` is the device's refusal (`error: 'timeout'`: no ack).
   */
  result?: 'ok' | 'error' | 'timeout' | 'not_sent' | 'interrupted'
}

export interface CommandRequest {
  deviceId: string
  name: string
  args: Record<string, unknown>
  /** `user:<username>`, `token:<token name>` or `auto` */
  by: string
  alertId?: string
  /** the caller's command id: a repeat of it is the same command, not sent twice (protocol: Commands) */
  id?: string
}

export interface CommandSender {
  /**
   * Publishes on `devices/{id}/commands` to a connected device, resolves with the device's ack or
   * `{ok:false, error:'timeout'}` after 10 s. Audited. Throws DEVICE_OFFLINE, unaudited, when the device
   * is not connected: nothing is queued for later.
   */
  send(req: CommandRequest): Promise<CommandResult>
}
