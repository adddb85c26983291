// A small simulated estate written into InfluxDB through the project's own write path: the simulators'
// device models (with every fault, stray-wire and offline scenario) → decodeMessage (the ingest validator)
// → encodePoints → the influx client, plus alert changes through the alert engine's annotation writer.
// While a device is offline it publishes `offline`, misses its reports, then publishes `online`. Two
// energy meters are reset during the seed (METER_RESETS): from then on they count again from 0.
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterAll, beforeAll } from 'vitest'
import { startAlertAnnotations } from '../../alerts/index.ts'
import type { Alert, AlertType, Severity, TransitionKind } from '../../domain/alerts.ts'
import type { AlertBusEvents, AlertChange } from '../../domain/bus.ts'
import { decodeMessage } from '../../domain/decode-message.ts'
import type { Telemetry } from '../../domain/protocol.ts'
import { topics } from '../../domain/topics.ts'
import { createInfluxClient, type InfluxClient, quoteIdent } from '../../influx/index.ts'
import { encodePoints, registryTagSet } from '../../ingest/index.ts'
import type { DeviceIdentity } from '../../registry/index.ts'
import {
  createDeviceModel,
  type DevicePlan,
  type DeviceSpec,
  type InjectionType,
  planScenarios,
} from '../../simulators/index.ts'
import { influxQuery, type Series } from '../support/influx-query.ts'

const MIN = 60_000

export type OfflinePeriod = DevicePlan['offline'][number]
const TENANT = 'acme'

/** Two communities; every kind of device in `garden`, a second shed in `lakeside` (to test chaining). */
export const ESTATE: readonly (DeviceIdentity & { spec: Partial<DeviceSpec> })[] = [
  dev('pile-g1', 'charging-pile', 'garden', 'shed-a', { ports: 12 }),
  dev('pile-l1', 'charging-pile', 'lakeside', 'shed-l', { ports: 10 }),
  dev('circ-g1', 'circuit-monitor', 'garden', 'bldg-3', { circuit: 'B3-stairwell', lightsW: 40 }),
  dev('room-g1', 'daycare-sensor', 'garden', 'daycare-1', { room: 'activity-room', capacity: 16 }),
  dev('screen-g1', 'outdoor-display', 'garden', 'plaza', {}),
]

function dev(
  id: string,
  kind: DeviceIdentity['kind'],
  communityId: string,
  siteId: string,
  spec: Partial<DeviceSpec>,
): DeviceIdentity & { spec: Partial<DeviceSpec> } {
  return { id, kind, tenantId: TENANT, communityId, siteId, reportIntervalS: 60, spec }
}

/**
 * Energy meters reset on the seed's second day (a firmware update, a swapped meter): the device's first
 * reading at or after `afterMs` past the seed's start reads 0, and the meter counts on from there.
 */
export const METER_RESETS: readonly { deviceId: string; afterMs: number }[] = [
  { deviceId: 'pile-l1', afterMs: 37 * 3_600_000 },
  { deviceId: 'circ-g1', afterMs: 33 * 3_600_000 },
]

/** A reset as written: the reading that reads 0, and what the meter had counted until then. */
export interface MeterReset {
  deviceId: string
  atMs: number
  /** what the reading at `atMs` would have said without the reset */
  wouldHaveReadKWh: number
}

const DAY = 86_400_000
/** China time, where the estate is (the dashboards' per-day bars start at its midnight) */
export const ESTATE_UTC_OFFSET_MS = 8 * 3_600_000

/** The local day (0 = 1970-01-01 China time) a moment falls in. */
export const localDay = (ms: number): number => Math.floor((ms + ESTATE_UTC_OFFSET_MS) / DAY)

/** `days` whole local days ending at the last local midnight: recent, so inside any retention policy. */
export function lastLocalDays(days: number, nowMs = Date.now()): { fromMs: number; toMs: number } {
  const toMs = localDay(nowMs) * DAY - ESTATE_UTC_OFFSET_MS
  return { fromMs: toMs - days * DAY, toMs }
}

export interface SeedResult {
  lines: number
  alertChanges: number
  /** per device, when it was disconnected: it published `offline`, sent nothing, then `online` again */
  offline: Map<string, OfflinePeriod[]>
  meterResets: MeterReset[]
}

/** The cumulative energy reading of a telemetry body, if its kind has one, and a way to change it. */
function energyMeter(body: Telemetry): { kWh: number; set(kWh: number): void } | undefined {
  if (body.kind === 'charging-pile') {
    const feeder = body.feeder
    if (feeder?.energyKWh === undefined) return undefined
    return { kWh: feeder.energyKWh, set: (kWh) => (feeder.energyKWh = kWh) }
  }
  if (body.kind === 'circuit-monitor' && body.energyKWh !== undefined)
    return { kWh: body.energyKWh, set: (kWh) => (body.energyKWh = kWh) }
  return undefined
}

/** Writes [fromMs, toMs) of every device's telemetry, events and status, then the alert changes. */
export async function seedEstate(influx: InfluxClient, fromMs: number, toMs: number): Promise<SeedResult> {
  const specs: DeviceSpec[] = ESTATE.map((d) => ({
    id: d.id,
    kind: d.kind,
    siteId: d.siteId,
    reportIntervalS: d.reportIntervalS,
    utcOffsetMin: 480,
    ...d.spec,
  }))
  const plan = planScenarios(specs, ['faults', 'stray-wire', 'offline'], 11, fromMs, toMs, { share: 1 })
  let lines = 0
  const offline = new Map<string, OfflinePeriod[]>()
  const meterResets: MeterReset[] = []
  for (const [i, d] of ESTATE.entries()) {
    const model = createDeviceModel(specs[i]!, 100 + i)
    const p = plan.get(d.id)
    for (const inj of p?.injections ?? []) model.inject(inj)
    // the scenario planner picks faults at random: make sure the day-care's rare events happen too
    if (d.kind === 'daycare-sensor') {
      const rare: InjectionType[] = ['emergency_call', 'fall_detected', 'door_after_hours']
      rare.forEach((type, k) => {
        const startMs = fromMs + (10 + 7 * k) * 60 * MIN + 30_000
        model.inject({ type, startMs, endMs: startMs + 5 * MIN })
      })
    }
    const tagSet = registryTagSet({
      tenant: d.tenantId,
      community: d.communityId,
      site: d.siteId,
      device: d.id,
    })
    const out: string[] = []
    const put = (topic: string, payload: string, atMs: number) => {
      const r = decodeMessage(topic, payload, { kind: d.kind }, atMs)
      if (!r.ok) throw new Error(`simulated ${d.id} message rejected: ${r.reason} ${r.detail}`)
      encodePoints(r.value, tagSet, atMs, out)
    }
    put(topics.status(d.id), 'online', fromMs)
    const periods = p?.offline ?? []
    offline.set(d.id, periods)
    for (const off of periods) {
      put(topics.status(d.id), 'offline', off.startMs)
      put(topics.status(d.id), 'online', off.endMs)
    }
    const resetAfter = METER_RESETS.find((r) => r.deviceId === d.id)?.afterMs
    let reset: MeterReset | undefined
    for (let t = fromMs; t < toMs; t += MIN) {
      const messages = model.step(t)
      // a disconnected device misses its reports (the simulators' offline scenario: nothing buffered)
      if (periods.some((off) => t >= off.startMs && t < off.endMs)) continue
      for (const m of messages) {
        const meter = m.channel === 'telemetry' ? energyMeter(m.body) : undefined
        if (meter && resetAfter !== undefined && t >= fromMs + resetAfter) {
          if (!reset) {
            reset = { deviceId: d.id, atMs: m.body.ts, wouldHaveReadKWh: meter.kWh }
            meterResets.push(reset)
          }
          meter.set(Math.round((meter.kWh - reset.wouldHaveReadKWh) * 100) / 100)
        }
        const topic = m.channel === 'telemetry' ? topics.telemetry(d.id) : topics.events(d.id)
        put(topic, JSON.stringify(m.body), m.body.ts)
      }
    }
    for (let k = 0; k < out.length; k += 5000) await influx.write(out.slice(k, k + 5000).join('\n'))
    lines += out.length
  }
  const alertChanges = await writeAlertChanges(influx, fromMs, toMs)
  return { lines, alertChanges, offline, meterResets }
}

/** Raised/cleared pairs of several types on the estate's devices, written by the annotation writer. */
async function writeAlertChanges(influx: InfluxClient, fromMs: number, toMs: number): Promise<number> {
  const byId = new Map(ESTATE.map((d) => [d.id, d]))
  const bus = new EventEmitter<AlertBusEvents>()
  const writer = startAlertAnnotations({
    bus,
    influx,
    directory: { findDevice: (id) => byId.get(id) },
    log: pino({ level: 'silent' }),
    metrics: new MetricsRegistry(),
    flushIntervalMs: 60_000,
  })
  const span = toMs - fromMs
  const raised: [string, AlertType, Severity, number?][] = [
    ['pile-g1', 'stray_wire_charging', 'critical'],
    ['pile-g1', 'port_overheat', 'major', 3],
    ['pile-l1', 'stray_wire_charging', 'major'],
    ['pile-l1', 'leakage', 'critical'],
    ['circ-g1', 'stray_wire_charging', 'major'],
    ['room-g1', 'air_quality', 'warning'],
    ['room-g1', 'emergency_call', 'critical'],
    ['screen-g1', 'display_blank', 'major'],
    ['screen-g1', 'display_overheat', 'critical'],
  ]
  let n = 0
  const emit = (a: Alert, kind: TransitionKind, at: number, value?: number) => {
    const change: AlertChange = {
      alert: a,
      tenantId: TENANT,
      transition: { alertId: a.id, kind, at, by: 'system', ...(value === undefined ? {} : { value }) },
    }
    bus.emit('change', change)
    n++
  }
  raised.forEach(([deviceId, type, severity, port], i) => {
    const d = byId.get(deviceId)!
    const at = fromMs + Math.round((span * (i + 1)) / (raised.length + 2))
    const alert: Alert = {
      id: `al-${i + 1}`,
      type,
      severity,
      state: 'active',
      deviceId,
      siteId: d.siteId,
      ...(port === undefined ? {} : { port }),
      message: `${type} on ${deviceId}`,
      raisedAt: at,
      count: 1,
      updatedAt: at,
    }
    emit(alert, 'raised', at, 1)
    emit(
      { ...alert, state: 'cleared', clearedAt: at + 30 * MIN, updatedAt: at + 30 * MIN },
      'cleared',
      at + 30 * MIN,
    )
  })
  await writer.close()
  return n
}

/**
 * The test file's own database holding the simulated estate from `fromMs` to `toMs`: seeded before the
 * file's tests, dropped after them. `run` sends InfluxQL to it; `seeded()` says what was written.
 */
export function estateDatabase(url: string, prefix: string, fromMs: number, toMs: number) {
  const db = `${prefix}_${randomBytes(5).toString('hex')}`
  let influx: InfluxClient | undefined
  let seeded: SeedResult | undefined
  beforeAll(async () => {
    influx = createInfluxClient({ url, db })
    await influx.ensureDatabase()
    seeded = await seedEstate(influx, fromMs, toMs)
  }, 180_000)
  afterAll(async () => {
    await influx?.query(`DROP DATABASE ${quoteIdent(db)}`).catch(() => undefined)
    await influx?.close()
  })
  return {
    run: (q: string): Promise<Series[]> => influxQuery(url, db, q),
    seeded: (): SeedResult => {
      if (!seeded) throw new Error('the estate is seeded in beforeAll')
      return seeded
    },
  }
}
