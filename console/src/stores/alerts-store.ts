// The alerts page's store: the alerts matching the filter (fetched when the filter changes) kept current
// by the live `alert` events of every site; acknowledge and clear go through the API.
import { computed, signal } from '@preact/signals'
import { type Api, explain } from '../api.ts'
import { createFrameQueue } from '../frame-queue.ts'
import type { Live } from '../live.ts'
import { type Alert, type AlertType, compareAlerts, type ListAnswer, type Severity } from '../types.ts'
import { createLoadState } from './load-state.ts'

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

export function createAlertsStore(deps: { api: Api; live: Live }) {
  const filter = signal<AlertFilter>({ state: 'open' })
  const items = signal<Map<string, Alert>>(new Map())
  /** why acknowledging or clearing failed */
  const error = signal<string | undefined>(undefined)
  const busy = signal<string | undefined>(undefined)
  let detach = () => {}

  const upsert = (list: Alert[]) => {
    const next = new Map(items.value)
    for (const a of list) next.set(a.id, a)
    items.value = next
  }
  const queue = createFrameQueue<Alert>(upsert)

  // the list for the filter as it is now; a changed filter supersedes an answer still on its way
  const list = createLoadState(async (isCurrent) => {
    const f = filter.value
    const res = await deps.api.get<ListAnswer<Alert>>('/alerts', {
      limit: 500,
      state: f.state === 'open' ? undefined : f.state,
      severity: f.severity,
      siteId: f.siteId,
      type: f.type,
    })
    if (isCurrent()) items.value = new Map(res.items.map((a) => [a.id, a]))
  })

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
      error.value = explain(err)
      throw err
    } finally {
      busy.value = undefined
    }
  }

  return {
    filter,
    /** the list for the current filter: until it answers, the page cannot say how many or "none" */
    list,
    error,
    busy,
    visible: computed(() =>
      [...items.value.values()].filter((a) => matches(a, filter.value)).sort(compareAlerts),
    ),
    setFilter(f: Partial<AlertFilter>) {
      filter.value = { ...filter.value, ...f }
      void list.load()
    },
    act,
    async start() {
      await list.load()
      detach = deps.live.attach(
        // alerts only (no readings), of every site it may read, sites created after this included
        [{ alerts: 'all' }],
        { alert: (a) => queue.put(a.id, a) },
        // after a reconnect: what changed meanwhile (the list stays on screen while it loads)
        () => list.retryNow(),
      )
    },
    dispose() {
      list.dispose()
      detach()
      queue.dispose()
    },
  }
}

export type AlertsStore = ReturnType<typeof createAlertsStore>
