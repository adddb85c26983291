// The charging shed's store: every pile's ports live, the site's open alerts, and per pile the feeder
// power against the sum of its ports (the unmetered residual is what stray-wire charging shows up in).
import { batch, computed, signal } from '@preact/signals'
import type { LiveReading } from '../../../domain/live-events.ts'
import { type Api, explain } from '../api.ts'
import { createFrameQueue } from '../frame-queue.ts'
import type { Live } from '../live.ts'
import type { Alert, ChargingPileTelemetry, Device, ListAnswer, PilePort, Site } from '../types.ts'
import { compareAlerts, isOpen } from '../types.ts'
import { createSeries, type Series } from './series.ts'

const HISTORY_MS = 60 * 60_000

export interface PileView {
  device: Device
  reading?: ChargingPileTelemetry
  series: Series
}

type Msg =
  | { t: 'reading'; m: LiveReading }
  | { t: 'status'; id: string; online: boolean }
  | { t: 'alert'; a: Alert }

const sumPorts = (ports: readonly PilePort[]) => ports.reduce((s, p) => s + (p.powerW ?? 0), 0)

export function createShedStore(deps: { api: Api; live: Live; siteId: string; now?: () => number }) {
  const now = deps.now ?? Date.now
  const site = signal<Site | undefined>(undefined)
  const piles = signal<PileView[]>([])
  const others = signal<Device[]>([])
  const alerts = signal<Map<string, Alert>>(new Map())
  const error = signal<string | undefined>(undefined)
  /** bumped when a series grows, so charts redraw */
  const tick = signal(0)
  let detach = () => {}

  const apply = (items: Msg[]) =>
    batch(() => {
      let ps = piles.value
      const as = new Map(alerts.value)
      let grew = false
      for (const x of items) {
        if (x.t === 'alert') {
          if (isOpen(x.a)) as.set(x.a.id, x.a)
          else as.delete(x.a.id)
          continue
        }
        const id = x.t === 'reading' ? x.m.deviceId : x.id
        ps = ps.map((p) => {
          if (p.device.id !== id) return p
          if (x.t === 'status') return { ...p, device: { ...p.device, online: x.online } }
          const r = x.m.reading
          if (r.kind !== 'charging-pile') return p
          // a pile may leave out what it cannot measure (protocol: omitted fields): gaps, not zeros
          const portsW = sumPorts(r.ports ?? [])
          const feederW = r.feeder?.powerW
          p.series.push(r.ts, [feederW ?? null, portsW, feederW === undefined ? null : feederW - portsW])
          grew = true
          return { ...p, device: { ...p.device, online: true, lastSeen: r.ts }, reading: r }
        })
      }
      piles.value = ps
      alerts.value = as
      if (grew) tick.value++
    })
  const queue = createFrameQueue<Msg>(apply)

  /** the last hour from InfluxDB, a point a minute: feeder and each port's power */
  const seedHistory = async (p: PileView) => {
    const from = now() - HISTORY_MS
    const q = (field: string, port?: number) =>
      deps.api.get<{ points: { ts: number; value: number | null }[] }>(
        `/devices/${encodeURIComponent(p.device.id)}/telemetry`,
        { field, port, from, every: '1m' },
      )
    const ports = p.reading?.ports?.map((x) => x.port) ?? []
    const [feeder, ...perPort] = await Promise.all([q('feeder.powerW'), ...ports.map((n) => q('powerW', n))])
    const byTs = new Map<number, number>()
    for (const s of perPort)
      for (const pt of s.points) byTs.set(pt.ts, (byTs.get(pt.ts) ?? 0) + (pt.value ?? 0))
    p.series.seed(
      feeder.points
        .filter((pt) => pt.value !== null)
        .map((pt) => {
          const sum = byTs.get(pt.ts) ?? null
          return { ts: pt.ts, values: [pt.value, sum, sum === null ? null : pt.value! - sum] }
        }),
    )
    tick.value++
  }

  const snapshot = async () => {
    const id = encodeURIComponent(deps.siteId)
    const [s, d, a] = await Promise.all([
      deps.api.get<Site>(`/sites/${id}`),
      deps.api.get<ListAnswer<Device>>('/devices', { siteId: deps.siteId, limit: 1000 }),
      deps.api.get<ListAnswer<Alert>>('/alerts', { siteId: deps.siteId, limit: 1000 }),
    ])
    const old = new Map(piles.value.map((p) => [p.device.id, p]))
    batch(() => {
      site.value = s
      piles.value = d.items
        .filter((x) => x.kind === 'charging-pile')
        .map((device) => ({
          device,
          reading: device.reading as ChargingPileTelemetry | undefined,
          series: old.get(device.id)?.series ?? createSeries(3),
        }))
      others.value = d.items.filter((x) => x.kind !== 'charging-pile')
      alerts.value = new Map(a.items.filter(isOpen).map((x) => [x.id, x]))
    })
    return old.size === 0
  }

  return {
    site,
    piles,
    others,
    tick,
    error,
    alerts: computed(() => [...alerts.value.values()].sort(compareAlerts)),
    /** open alerts per device and port: `deviceId:port` → worst */
    portAlerts: computed(() => {
      const m = new Map<string, Alert>()
      for (const a of [...alerts.value.values()].sort(compareAlerts)) {
        const k = `${a.deviceId}:${a.port ?? ''}`
        if (a.port !== undefined && !m.has(k)) m.set(k, a)
      }
      return m
    }),
    async start() {
      try {
        await snapshot()
      } catch (err) {
        error.value = explain(err)
        return
      }
      detach = deps.live.attach(
        [{ siteId: deps.siteId }],
        {
          reading: (m) => {
            if (m.siteId === deps.siteId) queue.put(`r:${m.deviceId}:${m.reading.ts}`, { t: 'reading', m })
          },
          'device-status': (m) =>
            queue.put(`s:${m.deviceId}`, { t: 'status', id: m.deviceId, online: m.online }),
          alert: (a) => {
            if (a.siteId === deps.siteId) queue.put(`a:${a.id}`, { t: 'alert', a })
          },
        },
        () => void snapshot().catch(() => undefined),
      )
      await Promise.all(piles.value.map((p) => seedHistory(p).catch(() => undefined)))
    },
    dispose() {
      detach()
      queue.dispose()
    },
  }
}

export type ShedStore = ReturnType<typeof createShedStore>
