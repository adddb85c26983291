// Sign in with a username and password (POST /api/v1/session → a session cookie), in either language.
// Also shown over a paused shell whose session ended (`notice: 'ended'`, the name filled in), and after
// a kiosk's API token stopped working (`notice: 'tokenEnded'`).
import { useSignal } from '@preact/signals'
import { type Api, ApiError, explain } from '../api.ts'
import { lang, setLang, t } from '../i18n/index.ts'
import type { User } from '../types.ts'

export type SignInNotice = 'ended' | 'tokenEnded'

export function SignInView(props: {
  api: Api
  onSignedIn: (u: User) => void
  notice?: SignInNotice
  username?: string
}) {
  const tr = t.value
  const username = useSignal(props.username ?? '')
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
          : tr('signIn.failed', { why: explain(err) })
    } finally {
      busy.value = false
    }
  }
  return (
    <main class="sign-in">
      <form class="card" onSubmit={submit}>
        <div class="sign-in-head">
          <h1 data-label="signIn.title">{tr('signIn.title')}</h1>
          {/* English one click away (docs/api.md v1.1), also before signing in */}
          <button
            type="button"
            class="ghost lang-switch"
            data-action="lang"
            onClick={() => setLang(lang.value === 'zh-CN' ? 'en' : 'zh-CN')}
          >
            {lang.value === 'zh-CN' ? 'English' : '中文'}
          </button>
        </div>
        {props.notice && (
          <p class="notice" role="status" data-notice={props.notice}>
            {tr(props.notice === 'ended' ? 'signIn.ended' : 'signIn.tokenEnded')}
          </p>
        )}
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
