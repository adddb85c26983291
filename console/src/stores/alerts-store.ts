// The alerts page's store: the alerts matching the filter (fetched when the filter changes) kept current
// by the live `alert` events of every site; acknowledge and clear go through the API.
import { batch, computed, signal } from '@preact/signals'
import type { Api } from '../api.ts'
import { createFrameQueue } from '../frame-queue.ts'
import type { Live } from '../live.ts'
import {
  type Alert,
  type AlertType,
  compareAlerts,
  type ListAnswer,
  type Severity,
  type Site,
} from '../types.ts'

export type StateFilter = 'open' | 'active' | 'acknowledged' | 'cleared' | 'all'
export interface AlertFilter {
  state: StateFilter
  severity?: Severity
  siteId?: string
  type?: AlertType
}

export function matches(a: Alert, f: AlertFilter): boolean {
  const stateOk = f.state === 'all' || (f.state === 'open' ? a.state !== 'cleared' : a.state === f.state)
  return (
    stateOk &&
    (!f.severity || a.severity === f.severity) &&
    (!f.siteId || a.siteId === f.siteId) &&
    (!f.type || a.type === f.type)
  )
}

export function createAlertsStore(deps: { api: Api; live: Live; sites: () => Site[] }) {
  const filter = signal<AlertFilter>({ state: 'open' })
  const items = signal<Map<string, Alert>>(new Map())
  const loading = signal(false)
  const error = signal<string | undefined>(undefined)
  const busy = signal<string | undefined>(undefined)
  let detach = () => {}
  let generation = 0

  const upsert = (list: Alert[]) => {
    const next = new Map(items.value)
    for (const a of list) next.set(a.id, a)
    items.value = next
  }
  const queue = createFrameQueue<Alert>(upsert)

  const load = async () => {
    const gen = ++generation
    const f = filter.value
    loading.value = true
    try {
      const res = await deps.api.get<ListAnswer<Alert>>('/alerts', {
        limit: 500,
        state: f.state === 'open' ? undefined : f.state,
        severity: f.severity,
        siteId: f.siteId,
        type: f.type,
      })
      if (gen !== generation) return
      batch(() => {
        items.value = new Map(res.items.map((a) => [a.id, a]))
        error.value = undefined
      })
    } catch (err) {
      if (gen === generation) error.value = (err as Error).message
    } finally {
      if (gen === generation) loading.value = false
    }
  }

  const act = async (id: string, action: 'ack' | 'clear', note?: string) => {
    busy.value = id
    try {
      const a = await deps.api.post<Alert>(
        `/alerts/${encodeURIComponent(id)}/${action}`,
        note ? { note } : {},
      )
      upsert([a])
      error.value = undefined
      return a
    } catch (err) {
      error.value = (err as Error).message
      throw err
    } finally {
      busy.value = undefined
    }
  }

  return {
    filter,
    loading,
    error,
    busy,
    visible: computed(() =>
      [...items.value.values()].filter((a) => matches(a, filter.value)).sort(compareAlerts),
    ),
    setFilter(f: Partial<AlertFilter>) {
      filter.value = { ...filter.value, ...f }
      void load()
    },
    act,
    async start() {
      await load()
      detach = deps.live.attach(
        deps.sites().map((s) => ({ siteId: s.id })),
        { alert: (a) => queue.put(a.id, a) },
        () => void load(),
      )
    },
    dispose() {
      detach()
      queue.dispose()
    },
  }
}

export type AlertsStore = ReturnType<typeof createAlertsStore>
