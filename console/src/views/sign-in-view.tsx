// Sign in with a username and password (POST /api/v1/session → a session cookie).
import { useSignal } from '@preact/signals'
import { type Api, ApiError } from '../api.ts'
import { t } from '../i18n/index.ts'
import type { User } from '../types.ts'

export function SignInView(props: { api: Api; onSignedIn: (u: User) => void }) {
  const tr = t.value
  const username = useSignal('')
  const password = useSignal('')
  const error = useSignal<string | undefined>(undefined)
  const busy = useSignal(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    busy.value = true
    error.value = undefined
    try {
      const res = await props.api.post<{ user: User }>('/session', {
        username: username.value.trim(),
        password: password.value,
      })
      props.onSignedIn(res.user)
    } catch (err) {
      error.value =
        err instanceof ApiError && err.status === 401
          ? tr('signIn.wrong')
          : tr('signIn.failed', { why: (err as Error).message })
    } finally {
      busy.value = false
    }
  }
  return (
    <main class="sign-in">
      <form class="card" onSubmit={submit}>
        <h1 data-label="signIn.title">{tr('signIn.title')}</h1>
        <label>
          <span data-label="signIn.username">{tr('signIn.username')}</span>
          <input
            name="username"
            autoComplete="username"
            required
            value={username.value}
            onInput={(e) => (username.value = (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span data-label="signIn.password">{tr('signIn.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password.value}
            onInput={(e) => (password.value = (e.target as HTMLInputElement).value)}
          />
        </label>
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy.value} data-label="signIn.submit">
          {tr('signIn.submit')}
        </button>
      </form>
    </main>
  )
}
