// courtyard_command_* metrics on the injected prom-client registry (never the global one).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface CommandMetrics {
  sent: Counter<'name' | 'origin' | 'result'>
  ackSeconds: Histogram<'name'>
  pending: Gauge
  offline: Counter<'name'>
  repeated: Counter<'name'>
}

// A second service on the same registry (tests, restarts in-process) reuses the registered metrics.
function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make()
}

export function createCommandMetrics(registry: Registry): CommandMetrics {
  return {
    sent: metric(
      registry,
      'courtyard_commands_total',
      () =>
        new Counter({
          name: 'courtyard_commands_total',
          help: 'commands sent to devices, by name, origin (user/auto) and result (ok/error/timeout)',
          labelNames: ['name', 'origin', 'result'],
          registers: [registry],
        }),
    ),
    ackSeconds: metric(
      registry,
      'courtyard_command_ack_seconds',
      () =>
        new Histogram({
          name: 'courtyard_command_ack_seconds',
          help: 'time from the publish of a command to the device ack',
          labelNames: ['name'],
          buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    ),
    pending: metric(
      registry,
      'courtyard_commands_pending',
      () =>
        new Gauge({
          name: 'courtyard_commands_pending',
          help: 'commands published and waiting for the device ack',
          registers: [registry],
        }),
    ),
    offline: metric(
      registry,
      'courtyard_commands_offline_total',
      () =>
        new Counter({
          name: 'courtyard_commands_offline_total',
          help: 'commands refused (not sent, not queued) because the device was not connected',
          labelNames: ['name'],
          registers: [registry],
        }),
    ),
    repeated: metric(
      registry,
      'courtyard_commands_repeated_total',
      () =>
        new Counter({
          name: 'courtyard_commands_repeated_total',
          help: 'requests repeating a known command id: answered from the first, not sent again',
          labelNames: ['name'],
          registers: [registry],
        }),
    ),
  }
}
