// The control room's store: every site with its devices' latest readings and status and the open
// alerts, live over socket.io (one subscription per site, and the alerts of every site), snapshots
// fetched again after a reconnect. A site created after the page opened gets its card without a reload:
// the site list is read again when a live event names a site (or device) the page does not know (an
// alert of a new site comes through `{ alerts: 'all' }`), every minute (a site without devices or
// alerts says nothing live) and after a reconnect; a site seen for the first time is watched and its
// devices and alerts are fetched.
// The sites may be known before their devices' states and alerts are: until those have answered once,
// `load.status` is not 'ready' and no card may count devices or call a site all clear.
import { batch, computed, signal } from '@preact/signals'
import type { LiveDeviceStatus, LiveReading } from '../../../domain/live-events.ts'
import type { Api } from '../api.ts'
import { createFrameQueue } from '../frame-queue.ts'
import type { Live } from '../live.ts'
import { type Alert, compareAlerts, type Device, isOpen, type ListAnswer, type Site } from '../types.ts'
import { createLoadState } from './load-state.ts'

export interface SiteCard {
  site: Site
  worst?: Alert
  openAlerts: number
  online: number
  offline: number
  /** charging sheds: ports charging now, ports in all, feeder power now */
  ports?: { inUse: number; total: number; powerW: number }
  /** a site seen after the page loaded whose devices and alerts have not answered yet */
  pending?: boolean
}

/** how often the site list is read again (one small request) for sites that came without a live event */
export const SITES_EVERY_MS = 60_000

type Msg = { t: 'reading'; m: LiveReading } | { t: 'status'; m: LiveDeviceStatus } | { t: 'alert'; m: Alert }

export function shedFigures(devices: Device[]): SiteCard['ports'] {
  let inUse = 0
  let total = 0
  let powerW = 0
  for (const d of devices) {
    if (d.kind !== 'charging-pile' || !d.reading) continue
    const ports = (d.reading.ports as { state?: string }[] | undefined) ?? []
    total += ports.length
    inUse += ports.filter((p) => p.state === 'charging').length
    powerW += Number((d.reading.feeder as { powerW?: number } | undefined)?.powerW ?? 0)
  }
  return { inUse, total, powerW }
}

export function createEstateStore(deps: { api: Api; live: Live }) {
  const sites = signal<Site[]>([])
  const devices = signal<Map<string, Device>>(new Map())
  const alerts = signal<Map<string, Alert>>(new Map())
  const updatedAt = signal(0)
  // sites that appeared after the first load, until their devices and alerts have answered
  const pending = signal<ReadonlySet<string>>(new Set())
  let detach = () => {}

  const apply = (items: Msg[]) =>
    batch(() => {
      const ds = new Map(devices.value)
      const as = new Map(alerts.value)
      for (const x of items) {
        if (x.t === 'reading') {
          const d = ds.get(x.m.deviceId)
          if (d) ds.set(d.id, { ...d, online: true, lastSeen: x.m.reading.ts, reading: x.m.reading as never })
          else unknown(`device:${x.m.deviceId}`)
        } else if (x.t === 'status') {
          const d = ds.get(x.m.deviceId)
          if (d) ds.set(d.id, { ...d, online: x.m.online })
          else unknown(`device:${x.m.deviceId}`)
        } else {
          if (isOpen(x.m)) as.set(x.m.id, x.m)
          else as.delete(x.m.id)
          if (!sites.value.some((s) => s.id === x.m.siteId)) unknown(`site:${x.m.siteId}`)
        }
      }
      devices.value = ds
      alerts.value = as
      updatedAt.value = Date.now()
    })
  const queue = createFrameQueue<Msg>(apply)

  const snapshot = async () => {
    const asking = pending.value
    const [d, a] = await Promise.all([
      deps.api.get<ListAnswer<Device>>('/devices', { limit: 1000 }),
      deps.api.get<ListAnswer<Alert>>('/alerts', { limit: 1000 }),
    ])
    batch(() => {
      devices.value = new Map(d.items.map((x) => [x.id, x]))
      alerts.value = new Map(a.items.filter(isOpen).map((x) => [x.id, x]))
      if (asking.size) pending.value = new Set([...pending.value].filter((id) => !asking.has(id)))
      updatedAt.value = Date.now()
    })
  }

  const cards = computed<SiteCard[]>(() => {
    const bySite = new Map<string, Device[]>()
    for (const d of devices.value.values()) bySite.set(d.siteId, [...(bySite.get(d.siteId) ?? []), d])
    const alertsBySite = new Map<string, Alert[]>()
    for (const a of alerts.value.values())
      alertsBySite.set(a.siteId, [...(alertsBySite.get(a.siteId) ?? []), a])
    const out = sites.value.map((site) => {
      const ds = bySite.get(site.id) ?? []
      const as = (alertsBySite.get(site.id) ?? []).sort(compareAlerts)
      return {
        site,
        worst: as[0],
        openAlerts: as.length,
        online: ds.filter((d) => d.online).length,
        offline: ds.filter((d) => !d.online).length,
        ports: site.kind === 'charging-shed' ? shedFigures(ds) : undefined,
        pending: pending.value.has(site.id) || undefined,
      }
    })
    // worst first; sites without open alerts by community and name
    return out.sort(
      (a, b) =>
        (a.worst && b.worst ? compareAlerts(a.worst, b.worst) : Number(!a.worst) - Number(!b.worst)) ||
        a.site.community.localeCompare(b.site.community) ||
        a.site.name.localeCompare(b.site.name),
    )
  })

  // one live subscription per site, so that a site seen later is watched as well
  const watched = new Map<string, () => void>()
  const watch = (list: Site[]) => {
    for (const s of list) if (!watched.has(s.id)) watched.set(s.id, deps.live.attach([{ siteId: s.id }], {}))
    for (const [id, stop] of watched)
      if (!list.some((s) => s.id === id)) {
        stop()
        watched.delete(id)
      }
  }
  /** the site list again: whether a site came that was not known (its devices are not known either) */
  const readSites = async () => {
    const list = (await deps.api.get<ListAnswer<Site>>('/sites', { limit: 1000 })).items
    const known = new Set(sites.value.map((s) => s.id))
    const added = list.filter((s) => !known.has(s.id)).map((s) => s.id)
    batch(() => {
      if (sitesKnown && added.length) pending.value = new Set([...pending.value, ...added])
      if (JSON.stringify(list) !== JSON.stringify(sites.value)) sites.value = list
    })
    if (attached && !disposed) watch(list)
    return added.length > 0
  }

  // Live events naming a site or device not known: the list and, for a new one, the snapshot again. A
  // name asked for once is not asked for again until the next periodic read (a site beyond the list's
  // limit must not cost a request per event); asks while one is under way make one more after it.
  const asked = new Set<string>()
  let syncing = false
  let again = false
  let forDevices = false
  const unknown = (key: string) => {
    if (!attached || asked.has(key)) return
    asked.add(key)
    if (key.startsWith('device:')) forDevices = true
    void catchUpSites()
  }
  const catchUpSites = async () => {
    if (syncing) {
      again = true
      return
    }
    syncing = true
    try {
      do {
        again = false
        const devicesToo = forDevices
        forDevices = false
        if ((await readSites()) || devicesToo || pending.value.size) await snapshot()
      } while (again)
    } catch {
      // the next unknown name or the next periodic read asks again
    } finally {
      syncing = false
    }
  }
  let timer: ReturnType<typeof setInterval> | undefined
  let disposed = false

  let connectedOnce = 0
  let attached = false
  let stopWatching = () => {}
  // Live updates stop while the socket is down: what the cards show is what was true before. They are
  // known again once the snapshot after the reconnect has answered (it retries by itself).
  const stale = signal(false)
  const refresh = createLoadState(async (isCurrent) => {
    await readSites()
    await snapshot()
    if (isCurrent() && deps.live.state.value === 'live') stale.value = false
  })
  const attachLive = () => {
    attached = true
    connectedOnce = deps.live.connections.value
    stopWatching = deps.live.state.subscribe((st) => {
      if (st === 'offline') stale.value = true
    })
    watch(sites.value)
    timer = setInterval(() => {
      asked.clear()
      void catchUpSites()
    }, SITES_EVERY_MS)
    detach = deps.live.attach(
      [{ alerts: 'all' }],
      {
        reading: (m) => queue.put(`r:${m.deviceId}`, { t: 'reading', m }),
        'device-status': (m) => queue.put(`s:${m.deviceId}`, { t: 'status', m }),
        alert: (m) => queue.put(`a:${m.id}`, { t: 'alert', m }),
      },
      () => {
        // after a reconnect (a service restart, a network gap): what changed meanwhile
        if (deps.live.connections.value > connectedOnce) void refresh.load()
      },
    )
  }
  // the sites first (their cards can say "loading"), then their devices and alerts; a failed attempt is
  // tried again from where it stopped
  let sitesKnown = false
  const load = createLoadState(async (isCurrent) => {
    if (!sitesKnown) {
      sites.value = (await deps.api.get<ListAnswer<Site>>('/sites', { limit: 1000 })).items
      sitesKnown = true
    }
    await snapshot()
    if (!attached && isCurrent()) attachLive()
  })

  return {
    cards,
    /** whether the devices' states and the alerts have answered: before, cards know only their sites */
    load,
    /** the live feed was cut since the cards were last known: they show the state from before */
    stale,
    /** the snapshot after a reconnect, when it failed */
    refresh,
    updatedAt,
    start: load.load,
    dispose() {
      disposed = true
      load.dispose()
      refresh.dispose()
      stopWatching()
      clearInterval(timer)
      detach()
      for (const stop of watched.values()) stop()
      watched.clear()
      queue.dispose()
    },
  }
}

export type EstateStore = ReturnType<typeof createEstateStore>
