// online / lastSeen / latest reading for a page of devices. `online` is the broker's word where the node
// has one (`isConnected`): a device reports `online` only when it connects, so a stored status says
// nothing about a device connected for longer than the window. Without a broker, it is the last
// `device_status` point per device in InfluxDB. lastSeen and the reading are the last telemetry point per
// device (and per port for piles); what is read from InfluxDB is bounded to the last 30 days. One query
// per measurement involved, whatever the page size, the page's ids bound as one regex
// (influx-queries.ts deviceFilter). What remains scales with the page: one LIMIT 1 per device's
// series (bench/device-state.ts). Swap this file for an in-memory source fed by ingest or the live feed
// if the queries ever become the bottleneck.
import type { DeviceKind } from '../domain/protocol.ts'
import { FIELDS_BY_KIND, MEASUREMENT, MEASUREMENT_BY_KIND } from '../domain/storage.ts'
import type { InfluxClient, QueryParam, SeriesResult } from '../influx/index.ts'
import { deviceFilter, ident } from './influx-queries.ts'
import { toRfc3339 } from './time-range.ts'

export const STATE_WINDOW_MS = 30 * 24 * 3600_000

export interface DeviceState {
  online: boolean
  lastSeen?: number
  reading?: Record<string, unknown>
}

export interface DeviceStateSource {
  forDevices(devices: readonly { id: string; kind: DeviceKind }[]): Promise<Map<string, DeviceState>>
}

/** Sets `a.b.c` in a nested object. Field paths come from the storage whitelist. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let obj = target
  for (const k of keys.slice(0, -1)) {
    const next = obj[k]
    if (typeof next === 'object' && next !== null) obj = next as Record<string, unknown>
    else {
      const created: Record<string, unknown> = {}
      obj[k] = created
      obj = created
    }
  }
  obj[keys[keys.length - 1]!] = value
}

/** The row's whitelisted fields as a nested object, skipping nulls (a field the device does not have). */
function rowToFields(
  s: SeriesResult,
  row: unknown[],
  fields: ReadonlySet<string>,
  into: Record<string, unknown>,
): Record<string, unknown> {
  s.columns.forEach((col, i) => {
    const v = row[i]
    if (col !== 'time' && fields.has(col) && v !== null && v !== undefined) setPath(into, col, v)
  })
  return into
}

const deviceFields = (kind: DeviceKind) =>
  new Set(FIELDS_BY_KIND[kind].filter((f) => !f.port).map((f) => f.path))
const portFields = new Set(FIELDS_BY_KIND['charging-pile'].filter((f) => f.port).map((f) => f.path))

export function createInfluxDeviceState(opts: {
  influx: InfluxClient
  now: () => number
  /** whether the device is connected to this node's broker now; unset: `online` is the stored status */
  isConnected?: (deviceId: string) => boolean
}): DeviceStateSource {
  const { influx } = opts

  const latest = (measurement: string, ids: string[], groupBy: string) => {
    const params: Record<string, QueryParam> = { since: toRfc3339(opts.now() - STATE_WINDOW_MS) }
    const where = `${deviceFilter(ids, params)} AND time >= $since`
    const q = `SELECT * FROM ${ident(measurement)} WHERE ${where} GROUP BY ${groupBy} ORDER BY time DESC LIMIT 1`
    return influx.query(q, params)
  }

  return {
    async forDevices(devices) {
      const out = new Map<string, DeviceState>(devices.map((d) => [d.id, { online: false }]))
      if (devices.length === 0) return out
      const ids = devices.map((d) => d.id)
      const byKind = new Map<DeviceKind, string[]>()
      for (const d of devices) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d.id])

      const { isConnected } = opts
      const statusQ = (() => {
        if (isConnected) return Promise.resolve([])
        const params: Record<string, QueryParam> = { since: toRfc3339(opts.now() - STATE_WINDOW_MS) }
        return influx.query(
          `SELECT last("online") AS "online" FROM ${ident(MEASUREMENT.status)} WHERE ${deviceFilter(ids, params)} AND time >= $since GROUP BY "device"`,
          params,
        )
      })()
      const kindQs = [...byKind].map(async ([kind, kindIds]) => ({
        kind,
        series: await latest(MEASUREMENT_BY_KIND[kind], kindIds, '"device"'),
      }))
      const piles = byKind.get('charging-pile')
      const portQ = piles ? latest(MEASUREMENT.pilePort, piles, '"device", "port"') : Promise.resolve([])
      const [status, kinds, ports] = await Promise.all([statusQ, Promise.all(kindQs), portQ])

      for (const s of status) {
        const st = s.tags?.device ? out.get(s.tags.device) : undefined
        const online = s.values[0]?.[s.columns.indexOf('online')]
        if (st) st.online = online === true
      }
      if (isConnected) for (const [id, st] of out) st.online = isConnected(id)
      for (const { kind, series } of kinds) {
        const fields = deviceFields(kind)
        for (const s of series) {
          const st = s.tags?.device ? out.get(s.tags.device) : undefined
          const row = s.values[0]
          if (!st || !row) continue
          const ts = row[s.columns.indexOf('time')] as number
          st.lastSeen = ts
          st.reading = rowToFields(s, row, fields, { ts, kind })
        }
      }
      for (const s of ports) {
        const st = s.tags?.device ? out.get(s.tags.device) : undefined
        const row = s.values[0]
        const port = Number(s.tags?.port)
        if (!st?.reading || !row || !Number.isInteger(port)) continue
        if (!Array.isArray(st.reading.ports)) st.reading.ports = []
        ;(st.reading.ports as Record<string, unknown>[]).push(rowToFields(s, row, portFields, { port }))
      }
      for (const st of out.values())
        (st.reading?.ports as { port: number }[] | undefined)?.sort((a, b) => a.port - b.port)
      return out
    },
  }
}
