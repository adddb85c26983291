// A building's corridor and stairwell circuits: each circuit's power, power factor and current THD live,
// the last hours from InfluxDB behind them, and every stray-wire alert raised on the circuit in that
// span (open or already cleared), so the chart marks when each was raised.
import { computed, signal } from '@preact/signals'
import type { Api } from '../api.ts'
import type { Live } from '../live.ts'
import type { Alert, CircuitMonitorTelemetry, Device, ListAnswer } from '../types.ts'
import { createSeries, type Series } from './series.ts'
import { createSiteLive } from './site-live.ts'

export const CIRCUIT_HISTORY_MS = 6 * 3600_000
/** columns after the time: power W, power factor, current THD % */
const FIELDS = ['powerW', 'powerFactor', 'currentThdPct'] as const

export interface CircuitView {
  device: Device
  /** the circuit's name as the monitor reports it, else the device's */
  name: string
  reading?: CircuitMonitorTelemetry
  series: Series
  /** stray-wire alerts raised on it within the chart's span, oldest first */
  strayWire: Alert[]
  alerts: Alert[]
}

const values = (r: CircuitMonitorTelemetry) => FIELDS.map((f) => r[f] ?? null)

export function createCircuitsStore(deps: { api: Api; live: Live; siteId: string; now?: () => number }) {
  const now = deps.now ?? Date.now
  const series = new Map<string, Series>()
  const seriesOf = (id: string) => {
    const s = series.get(id) ?? createSeries(FIELDS.length)
    series.set(id, s)
    return s
  }
  /** bumped when a series grows, so charts redraw */
  const tick = signal(0)
  const strayWire = signal<Map<string, Alert>>(new Map())
  const keepStray = (a: Alert) => {
    if (a.type !== 'stray_wire_charging') return
    strayWire.value = new Map(strayWire.value).set(a.id, a)
  }
  const base = createSiteLive({
    ...deps,
    kind: 'circuit-monitor',
    hooks: {
      onReading(id, r) {
        seriesOf(id).push(r.ts, values(r))
        tick.value++
      },
      onAlert: keepStray,
    },
  })

  const seedHistory = async (id: string) => {
    const from = now() - CIRCUIT_HISTORY_MS
    const cols = await Promise.all(
      FIELDS.map((field) =>
        deps.api.get<{ points: { ts: number; value: number | null }[] }>(
          `/devices/${encodeURIComponent(id)}/telemetry`,
          { field, from, every: '1m' },
        ),
      ),
    )
    const rows = new Map<number, (number | null)[]>()
    cols.forEach((c, i) => {
      for (const p of c.points) {
        const row = rows.get(p.ts) ?? FIELDS.map(() => null)
        row[i] = p.value
        rows.set(p.ts, row)
      }
    })
    seriesOf(id).seed(
      [...rows]
        .filter(([, v]) => v.some((x) => x !== null))
        .sort(([a], [b]) => a - b)
        .map(([ts, v]) => ({ ts, values: v })),
    )
    tick.value++
  }

  const loadStrayWire = async () => {
    const from = now() - CIRCUIT_HISTORY_MS
    const res = await deps.api.get<ListAnswer<Alert>>('/alerts', {
      siteId: deps.siteId,
      type: 'stray_wire_charging',
      state: 'all',
      limit: 1000,
    })
    // newest first: the rest are older than the chart
    const m = new Map(strayWire.value)
    for (const a of res.items) if (a.raisedAt >= from) m.set(a.id, a)
    strayWire.value = m
  }

  const circuits = computed<CircuitView[]>(() => {
    const byDevice = base.alertsByDevice.value
    // recomputed with every reading: a page left open for days drops marks as they leave the span
    const since = now() - CIRCUIT_HISTORY_MS
    const stray = [...strayWire.value.values()]
      .filter((a) => a.raisedAt >= since)
      .sort((a, b) => a.raisedAt - b.raisedAt)
    return base.devices.value.map(({ device, reading }) => ({
      device,
      name: reading?.circuit || device.name || device.id,
      reading,
      series: seriesOf(device.id),
      strayWire: stray.filter((a) => a.deviceId === device.id),
      alerts: byDevice.get(device.id) ?? [],
    }))
  })

  return {
    ...base,
    circuits,
    tick,
    async start() {
      await base.start()
      if (base.error.value) return
      // the snapshot's latest reading starts each chart until the history arrives
      for (const { device, reading } of base.devices.value)
        if (reading) seriesOf(device.id).push(reading.ts, values(reading))
      tick.value++
      await Promise.all([
        loadStrayWire().catch(() => undefined),
        ...base.devices.value.map((d) => seedHistory(d.device.id).catch(() => undefined)),
      ])
    },
  }
}

export type CircuitsStore = ReturnType<typeof createCircuitsStore>
