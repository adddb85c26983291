// courtyard_api_* metrics on the injected prom-client registry (never the global one).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface ApiMetrics {
  requests: Counter<'method' | 'route' | 'status'>
  duration: Histogram<'method' | 'route'>
  liveClients: Gauge
  liveMessages: Counter<'type'>
  liveTelemetrySubscriptions: Gauge
  rateLimited: Counter<'caller'>
}

// A second app on the same registry (tests, restarts in-process) reuses the registered metrics.
function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make()
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  return {
    requests: metric(
      registry,
      'courtyard_api_requests_total',
      () =>
        new Counter({
          name: 'courtyard_api_requests_total',
          help: 'HTTP requests answered, by route pattern and status',
          labelNames: ['method', 'route', 'status'],
          registers: [registry],
        }),
    ),
    duration: metric(
      registry,
      'courtyard_api_request_duration_seconds',
      () =>
        new Histogram({
          name: 'courtyard_api_request_duration_seconds',
          help: 'HTTP request handling time',
          labelNames: ['method', 'route'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
          registers: [registry],
        }),
    ),
    liveClients: metric(
      registry,
      'courtyard_api_live_clients',
      () =>
        new Gauge({
          name: 'courtyard_api_live_clients',
          help: 'connected socket.io clients',
          registers: [registry],
        }),
    ),
    liveMessages: metric(
      registry,
      'courtyard_api_live_messages_total',
      () =>
        new Counter({
          name: 'courtyard_api_live_messages_total',
          help: 'messages forwarded to live clients, by type',
          labelNames: ['type'],
          registers: [registry],
        }),
    ),
    liveTelemetrySubscriptions: metric(
      registry,
      'courtyard_api_live_telemetry_subscriptions',
      () =>
        new Gauge({
          name: 'courtyard_api_live_telemetry_subscriptions',
          help: 'devices whose telemetry the live feed subscribes to (someone is watching)',
          registers: [registry],
        }),
    ),
    rateLimited: metric(
      registry,
      'courtyard_api_rate_limited_total',
      () =>
        new Counter({
          name: 'courtyard_api_rate_limited_total',
          help: 'requests refused with 429, by caller kind (token, session, address)',
          labelNames: ['caller'],
          registers: [registry],
        }),
    ),
  }
}
