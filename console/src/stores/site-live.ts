// What the day-care, building-circuit and display pages share: one site, its devices of one kind with
// their latest reading and status, the site's open alerts and its effective alert settings (the bands
// and limits the alert engine judges by), live over socket.io; a fresh snapshot after every reconnect.
import { batch, computed, signal } from '@preact/signals'
import type { LiveReading } from '../../../domain/live-events.ts'
import { type Api, explain } from '../api.ts'
import { createFrameQueue } from '../frame-queue.ts'
import type { Live } from '../live.ts'
import type { Alert, Device, DeviceKind, ListAnswer, Site, Telemetry } from '../types.ts'
import { compareAlerts, isOpen } from '../types.ts'
import type { SiteSettings } from './site-settings.ts'

export type ReadingOf<K extends DeviceKind> = Extract<Telemetry, { kind: K }>

export interface DeviceLive<K extends DeviceKind> {
  device: Device
  reading?: ReadingOf<K>
}

type Msg =
  | { t: 'reading'; m: LiveReading }
  | { t: 'status'; id: string; online: boolean }
  | { t: 'alert'; a: Alert }

export interface SiteLiveHooks<K extends DeviceKind> {
  /** every live reading of a device of the kind, in order, once per frame */
  onReading?(deviceId: string, reading: ReadingOf<K>): void
  /** every alert change of the site (open or not) */
  onAlert?(a: Alert): void
}

export function createSiteLive<K extends DeviceKind>(deps: {
  api: Api
  live: Live
  siteId: string
  kind: K
  hooks?: SiteLiveHooks<K>
}) {
  const site = signal<Site | undefined>(undefined)
  const devices = signal<DeviceLive<K>[]>([])
  const alerts = signal<Map<string, Alert>>(new Map())
  const settings = signal<SiteSettings | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  let detach = () => {}
  let connectedAt = 0

  const apply = (items: Msg[]) =>
    batch(() => {
      let ds = devices.value
      const as = new Map(alerts.value)
      for (const x of items) {
        if (x.t === 'alert') {
          if (isOpen(x.a)) as.set(x.a.id, x.a)
          else as.delete(x.a.id)
          deps.hooks?.onAlert?.(x.a)
          continue
        }
        const id = x.t === 'reading' ? x.m.deviceId : x.id
        ds = ds.map((d) => {
          if (d.device.id !== id) return d
          if (x.t === 'status') return { ...d, device: { ...d.device, online: x.online } }
          const r = x.m.reading
          if (r.kind !== deps.kind) return d
          const reading = r as ReadingOf<K>
          deps.hooks?.onReading?.(id, reading)
          return { device: { ...d.device, online: true, lastSeen: r.ts }, reading }
        })
      }
      devices.value = ds
      alerts.value = as
    })
  const queue = createFrameQueue<Msg>(apply)

  const snapshot = async () => {
    const id = encodeURIComponent(deps.siteId)
    const [s, d, a, st] = await Promise.all([
      deps.api.get<Site>(`/sites/${id}`),
      deps.api.get<ListAnswer<Device>>('/devices', { siteId: deps.siteId, limit: 1000 }),
      deps.api.get<ListAnswer<Alert>>('/alerts', { siteId: deps.siteId, limit: 1000 }),
      // without the settings the page still shows every value, only without bands
      deps.api
        .get<{ effective: SiteSettings }>(`/sites/${id}/alert-settings`)
        .then((x) => x.effective)
        .catch(() => undefined),
    ])
    batch(() => {
      site.value = s
      devices.value = d.items
        .filter((x) => x.kind === deps.kind)
        .sort((x, y) => (x.name ?? x.id).localeCompare(y.name ?? y.id))
        .map((device) => ({ device, reading: device.reading as ReadingOf<K> | undefined }))
      alerts.value = new Map(a.items.filter(isOpen).map((x) => [x.id, x]))
      settings.value = st
    })
  }

  const sorted = computed(() => [...alerts.value.values()].sort(compareAlerts))
  return {
    site,
    devices,
    settings,
    error,
    /** the site's open alerts, worst first */
    alerts: sorted,
    /** open alerts per device, worst first */
    alertsByDevice: computed(() => {
      const m = new Map<string, Alert[]>()
      for (const a of sorted.value) m.set(a.deviceId, [...(m.get(a.deviceId) ?? []), a])
      return m
    }),
    async start() {
      try {
        await snapshot()
      } catch (err) {
        error.value = explain(err)
        return
      }
      connectedAt = deps.live.connections.value
      detach = deps.live.attach(
        [{ siteId: deps.siteId }],
        {
          // every reading is kept (not only the latest per device): charts draw each point
          reading: (m) => {
            if (m.siteId === deps.siteId) queue.put(`r:${m.deviceId}:${m.reading.ts}`, { t: 'reading', m })
          },
          'device-status': (m) =>
            queue.put(`s:${m.deviceId}`, { t: 'status', id: m.deviceId, online: m.online }),
          alert: (a) => {
            if (a.siteId === deps.siteId) queue.put(`a:${a.id}`, { t: 'alert', a })
          },
        },
        () => {
          // after a reconnect (a service restart, a network gap): what changed meanwhile
          if (deps.live.connections.value > connectedAt) void snapshot().catch(() => undefined)
        },
      )
    },
    dispose() {
      detach()
      queue.dispose()
    },
  }
}

export type SiteLive<K extends DeviceKind> = ReturnType<typeof createSiteLive<K>>
