// What the service's main thread and the alert engine's worker thread say to each other
// (alerts/engine-thread.ts hosts the worker, service/alert-engine-worker.ts is its entry).

import type { Alert } from '../domain/alerts.ts'
import type { AlertChange, CommandRequest, CommandResult } from '../domain/bus.ts'
import type { SettingsScope } from './store.ts'

export interface EngineWorkerData {
  spoolDir: string
  registryPath: string
  alertsDbPath: string
  logLevel: string
  /** the main thread's log format, so both threads' lines look alike (default json) */
  logFormat?: 'json' | 'pretty'
  /**
   * Int32Array over a SharedArrayBuffer: [0] counts the spool writer's commits, bumped by the main thread;
   * the buffer also holds the durable end (commitSignalDurableEnd)
   */
  commits: Int32Array
  /** the thread's nice value (Linux; 0: as the process) */
  nice?: number
  /** wall-clock period of the offline check (default: the engine's) */
  offlineCheckIntervalMs?: number
  /** when the engine thread was first started: every worker's `listeningSince` (set by engine-thread.ts) */
  listeningSince?: number
}

/** main → worker */
export type ToEngine =
  | { t: 'acknowledge' | 'clear'; rid: number; id: string; by: string; note?: string }
  | { t: 'settings-changed'; scope?: SettingsScope; id?: string }
  | { t: 'metrics'; rid: number }
  /** `code`: a thrown CourtyardError's (DEVICE_OFFLINE: nothing was sent, the device is not connected) */
  | { t: 'command-result'; rid: number; result?: CommandResult; error?: string; code?: string }
  | { t: 'stop' }

/** worker → main */
export type FromEngine =
  | { t: 'ready' }
  | { t: 'change'; change: AlertChange }
  | { t: 'command'; rid: number; req: CommandRequest }
  | { t: 'reply'; rid: number; alert?: Alert; error?: string }
  | { t: 'metrics'; rid: number; metrics: EngineMetricJson[] }
  | { t: 'stopped' }

/** prom-client's `Registry.getMetricsAsJSON()` entry, as it crosses threads */
export interface EngineMetricJson {
  name: string
  help: string
  type: string
  aggregator: string
  values: { value: number; labels: Record<string, string | number> }[]
}
