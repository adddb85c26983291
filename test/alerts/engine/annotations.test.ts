import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startAlertAnnotations } from '../../../alerts/annotations.ts'
import type { AlertBusEvents, AlertChange } from '../../../alerts/types.ts'
import type { Alert } from '../../../domain/alerts.ts'
import { createInfluxClient } from '../../../influx/client.ts'
import type { InfluxClient } from '../../../influx/types.ts'
import type { DeviceIdentity } from '../../../registry/types.ts'

const log = pino({ level: 'silent' })
const T0 = Date.UTC(2026, 5, 1, 8)
const device: DeviceIdentity = {
  id: 'pile-1',
  kind: 'charging-pile',
  tenantId: 'acme',
  communityId: 'garden',
  siteId: 'shed-a',
  reportIntervalS: 60,
}
const directory = { findDevice: (id: string) => (id === device.id ? device : undefined) }

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'al-1',
  type: 'port_overheat',
  severity: 'major',
  state: 'active',
  deviceId: 'pile-1',
  siteId: 'shed-a',
  port: 2,
  message: 'port 2 at 68 °C, "hot"\nline two',
  raisedAt: T0,
  count: 1,
  updatedAt: T0,
  ...over,
})
const change = (
  a: Alert,
  kind: AlertChange['transition']['kind'],
  at: number,
  value?: number,
): AlertChange => ({
  alert: a,
  tenantId: 'acme',
  transition: { alertId: a.id, kind, at, by: 'system', ...(value === undefined ? {} : { value }) },
})

let influx: InfluxClient
let db: string
const url = inject('influxUrl')
beforeAll(async () => {
  db = `alert_annotations_${randomBytes(5).toString('hex')}`
  influx = createInfluxClient({ url, db })
  await influx.ensureDatabase()
})
afterAll(async () => {
  await influx.query(`DROP DATABASE "${db}"`).catch(() => undefined)
  await influx.close()
})

describe('alert annotations in InfluxDB', () => {
  it('writes every change as an alert_event point at its event time with registry tags', async () => {
    const bus = new EventEmitter<AlertBusEvents>()
    const a = startAlertAnnotations({
      bus,
      influx,
      directory,
      log,
      metrics: new MetricsRegistry(),
      flushIntervalMs: 60_000,
    })
    bus.emit('change', change(alert(), 'raised', T0, 68))
    // same ms as the raise: both points must survive
    bus.emit('change', change(alert({ severity: 'critical', count: 2 }), 'severity_changed', T0, 76))
    bus.emit(
      'change',
      change(alert({ state: 'cleared', severity: 'critical', count: 2 }), 'cleared', T0 + 60_000),
    )
    await a.close()
    const [series] = await influx.query(
      'SELECT "state", "kind", "alertId", "message", "count", "port", "value", "severity", "tenant", "community", "site", "device", "type" FROM "alert_event" ORDER BY time',
    )
    expect(series!.values.map((v) => [v[0], v[1], v[2], v[7], v[8]])).toEqual([
      [T0, 'active', 'raised', 68, 'major'],
      [T0, 'active', 'severity_changed', 76, 'critical'],
      [T0 + 60_000, 'cleared', 'cleared', null, 'critical'],
    ])
    const row = Object.fromEntries(series!.columns.map((c, i) => [c, series!.values[0]![i]]))
    expect(row).toMatchObject({
      alertId: 'al-1',
      count: 1,
      port: 2,
      tenant: 'acme',
      community: 'garden',
      site: 'shed-a',
      device: 'pile-1',
      type: 'port_overheat',
      message: 'port 2 at 68 °C, "hot" line two',
    })
  })

  it('never throws into the engine and drops a batch, counted, after the write attempts are used up', async () => {
    const bus = new EventEmitter<AlertBusEvents>()
    const metrics = new MetricsRegistry()
    const down = createInfluxClient({ url: 'http://127.0.0.1:9', db, timeoutMs: 2000 })
    const a = startAlertAnnotations({
      bus,
      influx: down,
      directory,
      log,
      metrics,
      flushIntervalMs: 60_000,
      maxAttempts: 2,
    })
    expect(() => bus.emit('change', change(alert({ id: 'al-2' }), 'raised', T0))).not.toThrow()
    await a.flush()
    expect(await metrics.metrics()).not.toContain(
      'courtyard_alert_annotations_dropped_total{reason="write_failed"}',
    )
    await a.flush()
    expect(await metrics.metrics()).toContain(
      'courtyard_alert_annotations_dropped_total{reason="write_failed"} 1',
    )
    await a.close()
    await down.close()
  })
})
