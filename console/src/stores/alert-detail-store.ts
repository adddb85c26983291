// One alert with its history (transitions, who, commands) and notifications; fetched again whenever the
// alert changes live, since every change adds to its history.
import { signal } from '@preact/signals'
import { type Api, ApiError, explain } from '../api.ts'
import type { Live } from '../live.ts'
import type { Alert, AlertDetail, AlertNotification, SignatureKind } from '../types.ts'

export function createAlertDetailStore(deps: { api: Api; live: Live; id: string }) {
  const detail = signal<AlertDetail | undefined>(undefined)
  const notifications = signal<AlertNotification[]>([])
  const error = signal<string | undefined>(undefined)
  const busy = signal(false)
  let detach = () => {}
  const path = `/alerts/${encodeURIComponent(deps.id)}`

  const load = async () => {
    try {
      const [d, n] = await Promise.all([
        deps.api.get<AlertDetail>(path),
        deps.api
          .get<{ items: AlertNotification[] }>(`${path}/notifications`)
          // a node without the notifier has no such route: the history still shows
          .catch((err) =>
            err instanceof ApiError && err.status === 404 ? { items: [] } : Promise.reject(err),
          ),
      ])
      detail.value = d
      notifications.value = n.items
      error.value = undefined
    } catch (err) {
      error.value = explain(err)
    }
  }

  return {
    detail,
    notifications,
    error,
    busy,
    /**
     * whether it was done: a refused or failed one leaves the page (and the note typed) as it was.
     * `notCharging`: a stray-wire alert cleared as not charging but this load, which its circuit learns
     */
    async act(action: 'ack' | 'clear', note?: string, notCharging?: SignatureKind): Promise<boolean> {
      busy.value = true
      try {
        await deps.api.post<Alert>(`${path}/${action}`, {
          ...(note ? { note } : {}),
          ...(notCharging ? { notCharging } : {}),
        })
        error.value = undefined
      } catch (err) {
        error.value = explain(err)
        return false
      } finally {
        busy.value = false
      }
      await load()
      return true
    },
    async start() {
      await load()
      const d = detail.value
      if (!d) return
      detach = deps.live.attach(
        [{ deviceId: d.deviceId }],
        {
          alert: (a) => {
            if (a.id === deps.id) void load()
          },
        },
        // after a reconnect (or signing back in): what happened to it meanwhile
        () => void load(),
      )
    },
    dispose() {
      detach()
    },
  }
}

export type AlertDetailStore = ReturnType<typeof createAlertDetailStore>
