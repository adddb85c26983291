// The engine's Prometheus metrics, on the Registry passed in (never the global one).
import { Counter, Gauge, type Registry } from 'prom-client'

/** every metric the engine registers (a host that runs the engine elsewhere shows these under its names) */
export const ENGINE_METRIC_NAMES = [
  'courtyard_alerts_total',
  'courtyard_alerts_open',
  'courtyard_alert_engine_lag_seconds',
  'courtyard_alert_engine_messages_total',
  'courtyard_alert_engine_errors_total',
] as const

export function createEngineMetrics(
  registry: Registry,
  openCounts: () => Record<'active' | 'acknowledged', number>,
) {
  // a restarted engine in the same process (tests, reloads) replaces its predecessor's metrics
  for (const name of ENGINE_METRIC_NAMES) registry.removeSingleMetric(name)
  return {
    raised: new Counter({
      name: 'courtyard_alerts_total',
      help: 'alerts raised, by type and severity at raise',
      labelNames: ['type', 'severity'] as const,
      registers: [registry],
    }),
    open: new Gauge({
      name: 'courtyard_alerts_open',
      help: 'open alerts by state (active, acknowledged), read from alerts.db at scrape time',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const c = openCounts()
        this.set({ state: 'active' }, c.active)
        this.set({ state: 'acknowledged' }, c.acknowledged)
      },
    }),
    lag: new Gauge({
      name: 'courtyard_alert_engine_lag_seconds',
      help: 'broker arrival to alert evaluation of the last message processed (0 when caught up)',
      registers: [registry],
    }),
    messages: new Counter({
      name: 'courtyard_alert_engine_messages_total',
      help: 'spool records seen by the alert engine, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'courtyard_alert_engine_errors_total',
      help: 'alert engine failures (rule exceptions, database errors), by stage',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
  }
}

export type EngineMetrics = ReturnType<typeof createEngineMetrics>
