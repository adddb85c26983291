// Boot: language, who is signed in, then the shell with one live connection and the alarm.
// A session that ends under a running shell (timed out, signed out elsewhere, password changed, person
// removed) pauses the shell under the sign-in form instead of tearing it down: what the person typed and
// the page they were on stay, and signing back in as the same person resumes it, its pages and the alarm
// catching up on what happened meanwhile (an alert that turned active then rings). Another person signing
// in gets a fresh shell.
import { signal } from '@preact/signals'
import { render } from 'preact'
import { createApi } from './api.ts'
import { App } from './app.tsx'
import { lang } from './i18n/index.ts'
import { createLive, type Live } from './live.ts'
import type { PeopleNames } from './parts/actor.ts'
import { createBeeper } from './parts/alarm.ts'
import type { DeviceNames } from './parts/device-names.ts'
import { type AlarmStore, createAlarmStore } from './stores/alarm-store.ts'
import { createDeviceNames } from './stores/device-names.ts'
import { createPeopleNames } from './stores/people-names.ts'
import { createSiteZones, type SiteZones } from './stores/site-zones.ts'
import type { User } from './types.ts'
import { type SignInNotice, SignInView } from './views/sign-in-view.tsx'
import './styles.css'

// An integrator's kiosk may run on an API token put in sessionStorage instead of a person's session.
const TOKEN_KEY = 'courtyard.token'
const credentials = { token: sessionStorage.getItem(TOKEN_KEY) ?? undefined }

const user = signal<User | null | undefined>(undefined)
/** the shell is paused under the sign-in form: its session ended */
const ended = signal(false)
/** why the sign-in page shows, when it is not the first visit */
const notice = signal<SignInNotice | undefined>(undefined)
/** a new shell (not a resumed one) for each sign-in: its pages' stores belong to one live connection */
const shellKey = signal(0)
let running:
  | { live: Live; alarm: AlarmStore; zones: SiteZones; names: PeopleNames; devices: DeviceNames }
  | undefined

const stop = () => {
  running?.alarm.dispose()
  running?.live.close()
  running = undefined
}
const signedOut = () => {
  stop()
  ended.value = false
  user.value = null
}

const onUnauthorized = () => {
  if (credentials.token) {
    // a revoked or expired kiosk token: every request would carry it (a wrong token is never rescued by
    // a cookie), so a person could not sign in on this screen while it is kept
    sessionStorage.removeItem(TOKEN_KEY)
    credentials.token = undefined
    if (running) notice.value = 'tokenEnded'
    signedOut()
    return
  }
  if (!running || ended.value) return
  running.live.pause()
  ended.value = true
}
const api = createApi({ token: () => credentials.token, onUnauthorized })

function start(u: User) {
  const live = createLive({ token: credentials.token, onUnauthorized })
  const alarm = createAlarmStore({ api, live, beeper: createBeeper() })
  // a new shell for each sign-in: another person may be of another tenant, with other people
  running = {
    live,
    alarm,
    zones: createSiteZones({ api }),
    names: createPeopleNames({ api }),
    devices: createDeviceNames({ api }),
  }
  void alarm.start()
  shellKey.value++
  ended.value = false
  notice.value = undefined
  user.value = u
}

function signedIn(u: User) {
  if (running && ended.value && user.value?.id !== undefined && user.value.id === u.id) {
    ended.value = false
    user.value = u
    running.live.resume()
    return
  }
  stop()
  start(u)
}

async function boot() {
  document.documentElement.lang = lang.value
  try {
    const res = await api.get<{ user: User }>('/session')
    start(res.user)
  } catch {
    // a kiosk token has no person behind it; it is still signed in if the API accepts it
    if (credentials.token) {
      try {
        await api.get('/sites', { limit: 1 })
        start({ username: 'token', role: 'token' })
        return
      } catch {}
    }
    user.value = null
  }
}

function Root() {
  const u = user.value
  if (u === undefined) return null
  if (u === null || !running)
    return <SignInView key="sign-in" api={api} onSignedIn={signedIn} notice={notice.value} />
  return (
    <>
      {/* inert while paused: nothing behind the form takes a tap, yet all of it is kept */}
      <div class="shell" inert={ended.value}>
        <App
          key={shellKey.value}
          api={api}
          live={running.live}
          alarm={running.alarm}
          zones={running.zones}
          names={running.names}
          devices={running.devices}
          user={u}
          onSignOut={() => {
            void api
              .del('/session')
              .catch(() => undefined)
              .finally(signedOut)
          }}
        />
      </div>
      {ended.value && (
        <div class="session-ended">
          <SignInView api={api} onSignedIn={signedIn} notice="ended" username={u.username} />
        </div>
      )}
    </>
  )
}

render(<Root />, document.getElementById('app')!)
void boot()
