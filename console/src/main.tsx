// Boot: language, who is signed in, then the shell with one live connection and the alarm.
import { signal } from '@preact/signals'
import { render } from 'preact'
import { createApi } from './api.ts'
import { App } from './app.tsx'
import { lang } from './i18n/index.ts'
import { createLive, type Live } from './live.ts'
import { createBeeper } from './parts/alarm.ts'
import { type AlarmStore, createAlarmStore } from './stores/alarm-store.ts'
import type { User } from './types.ts'
import { SignInView } from './views/sign-in-view.tsx'
import './styles.css'

// An integrator's kiosk may run on an API token put in sessionStorage instead of a person's session.
const TOKEN_KEY = 'courtyard.token'
const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined

const user = signal<User | null | undefined>(undefined)
let running: { live: Live; alarm: AlarmStore } | undefined

const signedOut = () => {
  running?.alarm.dispose()
  running?.live.close()
  running = undefined
  user.value = null
}
const api = createApi({ token, onUnauthorized: signedOut })

function start(u: User) {
  const live = createLive({ token, onUnauthorized: signedOut })
  const alarm = createAlarmStore({ api, live, beeper: createBeeper() })
  running = { live, alarm }
  void alarm.start()
  user.value = u
}

async function boot() {
  document.documentElement.lang = lang.value
  try {
    const res = await api.get<{ user: User }>('/session')
    start(res.user)
  } catch {
    // a kiosk token has no person behind it; it is still signed in if the API accepts it
    if (token) {
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
  if (u === null || !running) return <SignInView api={api} onSignedIn={start} />
  return (
    <App
      api={api}
      live={running.live}
      alarm={running.alarm}
      user={u}
      onSignOut={() => {
        void api.del('/session').finally(signedOut)
      }}
    />
  )
}

render(<Root />, document.getElementById('app')!)
void boot()
