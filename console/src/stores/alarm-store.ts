// The alarm every page carries: a critical alert, an emergency call or a fall that turns active while
// the console is open shows as a banner and beeps until someone acknowledges it (here or elsewhere).
// Until it is armed (the sites answered, the alerts are watched, what is active is known) it cannot
// ring: a failed start-up load is tried again by itself, and `arm` says why for the shell to show. It
// watches the alerts of every site it may read (`{ alerts: 'all' }`), so a site created after sign-in
// rings as live as the others, and the site list is read again when an alert names a site it lacks. Live
// events are not replayed after a reconnect, so each reconnect asks what is active and rings what turned
// active meanwhile.
import { computed, signal } from '@preact/signals'
import type { Api } from '../api.ts'
import type { Live } from '../live.ts'
import type { Beeper } from '../parts/alarm.ts'
import type { Alert, ListAnswer, Site } from '../types.ts'
import { createLoadState } from './load-state.ts'

const BEEP_EVERY_MS = 2000
const ALWAYS_ALARM: readonly string[] = ['emergency_call', 'fall_detected', 'smoke']

export const raisesAlarm = (a: Alert) =>
  a.state === 'active' && (a.severity === 'critical' || ALWAYS_ALARM.includes(a.type))

export function createAlarmStore(deps: { api: Api; live: Live; beeper: Beeper }) {
  const ringing = signal<Map<string, Alert>>(new Map())
  const sites = signal<Site[]>([])
  let timer: ReturnType<typeof setInterval> | undefined
  let detach = () => {}
  let attached = false
  // alarm-worthy alerts this console has been told of (rung, acknowledged or silenced): a look at what
  // is active rings only the others
  const known = new Set<string>()
  // The first answer about what is active is the past (those do not ring), unless the console was
  // already open and deaf by then because the start-up load failed: it cannot tell which came meanwhile.
  let pastKnown = false

  const sync = () => {
    if (ringing.value.size && !timer) {
      deps.beeper.beep()
      timer = setInterval(() => deps.beeper.beep(), BEEP_EVERY_MS)
    } else if (!ringing.value.size && timer) {
      clearInterval(timer)
      timer = undefined
    }
  }
  // a site created since the list was read: read it again for its name (the banner shows the id till then)
  let sitesAsked = false
  const refreshSites = async () => {
    if (sitesAsked) return
    sitesAsked = true
    try {
      sites.value = (await deps.api.get<ListAnswer<Site>>('/sites', { limit: 1000 })).items
    } catch {
      // the next alert of an unknown site asks again
    } finally {
      sitesAsked = false
    }
  }
  const onAlert = (a: Alert) => {
    if (!sites.value.some((s) => s.id === a.siteId)) void refreshSites()
    const has = ringing.value.has(a.id)
    if (raisesAlarm(a)) known.add(a.id)
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

  /** what is active now: ring what this console was not told of, silence what was handled meanwhile */
  const catchUp = async (isCurrent: () => boolean) => {
    const asked = new Set(ringing.value.keys())
    const res = await deps.api.get<ListAnswer<Alert>>('/alerts', { state: 'active', limit: 1000 })
    if (!isCurrent()) return
    const active = new Map(res.items.filter(raisesAlarm).map((a) => [a.id, a]))
    const next = new Map(ringing.value)
    // ringing before the question and not active in the whole answer: acknowledged or cleared elsewhere
    if (!res.next) for (const id of asked) if (!active.has(id)) next.delete(id)
    for (const a of active.values()) {
      if (pastKnown && !known.has(a.id)) next.set(a.id, a)
      known.add(a.id)
    }
    pastKnown = true
    ringing.value = next
    sync()
  }
  // after a reconnect; it retries by itself too
  const recheck = createLoadState(catchUp)
  const arm = createLoadState(async (isCurrent) => {
    try {
      if (!attached) {
        const res = await deps.api.get<ListAnswer<Site>>('/sites', { limit: 1000 })
        if (!isCurrent()) return
        sites.value = res.items
        attached = true
        detach = deps.live.attach([{ alerts: 'all' }], { alert: onAlert }, () => void recheck.load())
      }
      await catchUp(isCurrent)
    } catch (err) {
      pastKnown = true
      throw err
    }
  })

  return {
    ringing: computed(() => [...ringing.value.values()].sort((a, b) => b.raisedAt - a.raisedAt)),
    sites,
    /** whether the alarm can ring: 'ready' once armed; why not while it failed (it retries by itself) */
    arm,
    start: arm.load,
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
      arm.dispose()
      recheck.dispose()
      detach()
      clearInterval(timer)
    },
  }
}

export type AlarmStore = ReturnType<typeof createAlarmStore>
