// Prometheus metrics of ingest, registered on the Registry passed in (never the global default).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface IngestMetrics {
  messages: Counter<'type'>
  rejected: Counter<'reason'>
  pointsWritten: Counter
  writeSeconds: Histogram<'outcome'>
  writeRetries: Counter<'status'>
  deadLetters: Counter<'reason'>
  backlogBytes: Gauge
}

/**
 * `backlogBytes`: read when the metrics are scraped. Reading it lists the spool directory and stats its
 * segments, which ingest did after every spool read: hundreds of times a second under load, and 40 times a
 * second when idle, for a gauge read every few seconds at most.
 */
export function createIngestMetrics(registry: Registry, backlogBytes?: () => number): IngestMetrics {
  const registers = [registry]
  return {
    messages: new Counter({
      name: 'courtyard_ingest_messages_total',
      help: 'Spooled device messages read by ingest, by decoded type (rejected ones as "rejected")',
      labelNames: ['type'],
      registers,
    }),
    // device ids are unbounded: per-device rejections live in the ingest stats, not in labels
    rejected: new Counter({
      name: 'courtyard_ingest_rejected_total',
      help: 'Device messages rejected by ingest, by reason',
      labelNames: ['reason'],
      registers,
    }),
    pointsWritten: new Counter({
      name: 'courtyard_ingest_points_written_total',
      help: 'Points InfluxDB acknowledged (204)',
      registers,
    }),
    writeSeconds: new Histogram({
      name: 'courtyard_ingest_write_seconds',
      help: 'Duration of one InfluxDB /write request',
      labelNames: ['outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    writeRetries: new Counter({
      name: 'courtyard_ingest_write_retries_total',
      help: 'InfluxDB writes retried, by HTTP status (0: no answer)',
      labelNames: ['status'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'courtyard_ingest_dead_letter_total',
      help: 'Lines InfluxDB refused for good, appended to the dead-letter file',
      labelNames: ['reason'],
      registers,
    }),
    backlogBytes: new Gauge({
      name: 'courtyard_ingest_spool_backlog_bytes',
      help: 'Spool bytes not yet confirmed stored by ingest',
      registers,
      ...(backlogBytes === undefined
        ? {}
        : {
            collect() {
              this.set(backlogBytes())
            },
          }),
    }),
  }
}
