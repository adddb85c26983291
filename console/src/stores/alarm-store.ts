// The alarm every page carries: a critical alert, an emergency call or a fall that turns active while
// the console is open shows as a banner and beeps until someone acknowledges it (here or elsewhere).
import { computed, signal } from '@preact/signals'
import type { Api } from '../api.ts'
import type { Live } from '../live.ts'
import type { Beeper } from '../parts/alarm.ts'
import type { Alert, ListAnswer, Site } from '../types.ts'

const BEEP_EVERY_MS = 2000
const ALWAYS_ALARM: readonly string[] = ['emergency_call', 'fall_detected', 'smoke']

export const raisesAlarm = (a: Alert) =>
  a.state === 'active' && (a.severity === 'critical' || ALWAYS_ALARM.includes(a.type))

export function createAlarmStore(deps: { api: Api; live: Live; beeper: Beeper }) {
  const ringing = signal<Map<string, Alert>>(new Map())
  const sites = signal<Site[]>([])
  let timer: ReturnType<typeof setInterval> | undefined
  let detach = () => {}

  const sync = () => {
    if (ringing.value.size && !timer) {
      deps.beeper.beep()
      timer = setInterval(() => deps.beeper.beep(), BEEP_EVERY_MS)
    } else if (!ringing.value.size && timer) {
      clearInterval(timer)
      timer = undefined
    }
  }
  const onAlert = (a: Alert) => {
    const has = ringing.value.has(a.id)
    if (raisesAlarm(a) === has) {
      if (has) ringing.value = new Map(ringing.value).set(a.id, a)
      return
    }
    const next = new Map(ringing.value)
    if (has) next.delete(a.id)
    else next.set(a.id, a)
    ringing.value = next
    sync()
  }

  return {
    ringing: computed(() => [...ringing.value.values()].sort((a, b) => b.raisedAt - a.raisedAt)),
    sites,
    async start() {
      const res = await deps.api.get<ListAnswer<Site>>('/sites', { limit: 1000 })
      sites.value = res.items
      detach = deps.live.attach(
        res.items.map((s) => ({ siteId: s.id })),
        { alert: onAlert },
      )
    },
    /** acknowledge from the banner: the sound stops here at once, the live event confirms it elsewhere */
    async acknowledge(id: string) {
      await deps.api.post(`/alerts/${encodeURIComponent(id)}/ack`, {})
      this.dismiss(id)
    },
    /** silence one alert's sound here */
    dismiss(id: string) {
      const next = new Map(ringing.value)
      next.delete(id)
      ringing.value = next
      sync()
    },
    dispose() {
      detach()
      clearInterval(timer)
    },
  }
}

export type AlarmStore = ReturnType<typeof createAlarmStore>
