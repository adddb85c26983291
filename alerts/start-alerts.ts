// The alert part of a node: the engine in its own thread (a second consumer of the spool) and the alert
// annotations written to InfluxDB for Grafana. With the engine switched off, the stored alerts can still
// be read, and nothing new is raised.
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import type { CommandSender } from '../domain/bus.ts'
import type { PartHealth, RunningPart } from '../domain/part.ts'
import type { InfluxClient } from '../influx/index.ts'
import type { DeviceDirectory } from '../registry/index.ts'
import { type AlertAnnotations, startAlertAnnotations } from './annotations.ts'
import type { EngineWorkerData } from './engine-messages.ts'
import { type AlertEngineThread, type EngineWorkerEntry, startAlertEngineThread } from './engine-thread.ts'
import type { AlertsStorePart } from './open-alerts.ts'

export interface AlertsPart extends RunningPart {
  /** undefined when the engine is switched off */
  engine?: AlertEngineThread
  health(): PartHealth
}

export async function startAlerts(deps: {
  enabled: boolean
  entry: EngineWorkerEntry
  worker: Omit<EngineWorkerData, 'commits'>
  /** the spool writer's commit counter, shared with the worker */
  commits: Int32Array
  alerts: Pick<AlertsStorePart, 'store' | 'bus'>
  commands: CommandSender
  influx: Pick<InfluxClient, 'write'>
  directory: Pick<DeviceDirectory, 'findDevice'>
  log: Logger
  metrics: MetricsRegistry
  /** see startAlertEngineThread: false lets the node go on while the worker loads (default true) */
  awaitFirstStart?: boolean
}): Promise<AlertsPart> {
  const { bus, store } = deps.alerts
  const engine = deps.enabled
    ? await startAlertEngineThread({
        entry: deps.entry,
        worker: deps.worker,
        commits: deps.commits,
        store,
        bus,
        commands: deps.commands,
        log: deps.log,
        metrics: deps.metrics,
        awaitFirstStart: deps.awaitFirstStart,
      })
    : undefined
  let annotations: AlertAnnotations
  try {
    annotations = startAlertAnnotations({
      bus,
      influx: deps.influx,
      directory: deps.directory,
      log: deps.log,
      metrics: deps.metrics,
    })
  } catch (err) {
    await engine?.stop()
    throw err
  }
  return {
    engine,
    // ready once a worker has run; a restart after that is informational: the alerts catch up from the
    // spool once the engine runs again
    health: () => {
      if (!engine) return { ok: true, engine: 'off' }
      if (!engine.started()) return { ok: false, engine: 'starting' }
      return { ok: true, engine: engine.running() ? 'running' : 'restarting' }
    },
    async stop() {
      await engine?.stop()
      await annotations.close()
    },
  }
}
