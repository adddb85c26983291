// One's own account, opened from the name at the top of the page: who is signed in, and changing one's
// own password (POST /api/v1/session/password, docs/api.md v1.1 "People and sessions"). The person's
// other sessions end; this one goes on. What the form can tell before asking (too short, the two new
// ones differ, the same as the current one) it says at once, in the page's language.
import { useSignal } from '@preact/signals'
import { type Api, ApiError, explain } from '../api.ts'
import { type MessageKey, t } from '../i18n/index.ts'
import { personName, type User } from '../types.ts'

/** the API's rule (registry checkPassword): 10–256 characters */
const MIN_LENGTH = 10
const MAX_LENGTH = 256

/** what the form says, worded when shown: a language switched meanwhile applies to it too */
type Said = { kind: 'error' | 'done'; words: () => string }

export function AccountView(props: { api: Api; user: User; onClose: () => void; onSignOut: () => void }) {
  const tr = t.value
  const current = useSignal('')
  const next = useSignal('')
  const repeat = useSignal('')
  const said = useSignal<Said | undefined>(undefined)
  const busy = useSignal(false)
  const problem = (): MessageKey | undefined => {
    if (next.value.length < MIN_LENGTH) return 'account.tooShort'
    if (next.value !== repeat.value) return 'account.mismatch'
    if (next.value === current.value) return 'account.same'
    return undefined
  }
  const submit = async (e: Event) => {
    e.preventDefault()
    const early = problem()
    if (early) {
      said.value = { kind: 'error', words: () => t.value(early) }
      return
    }
    busy.value = true
    said.value = undefined
    try {
      await props.api.post('/session/password', { currentPassword: current.value, password: next.value })
      current.value = next.value = repeat.value = ''
      said.value = { kind: 'done', words: () => t.value('account.done') }
    } catch (err) {
      said.value = {
        kind: 'error',
        words: () =>
          err instanceof ApiError && err.status === 403
            ? t.value('account.wrongCurrent')
            : t.value('account.failed', { why: explain(err) }),
      }
    } finally {
      busy.value = false
    }
  }
  const field = (
    name: string,
    label: 'account.current' | 'account.new' | 'account.repeat',
    value: { value: string },
    autoComplete: string,
  ) => (
    <label>
      <span data-label={label}>{tr(label)}</span>
      <input
        name={name}
        type="password"
        autoComplete={autoComplete}
        required
        maxLength={MAX_LENGTH}
        value={value.value}
        onInput={(e) => (value.value = (e.target as HTMLInputElement).value)}
      />
    </label>
  )
  return (
    <section class="account">
      <form class="card" onSubmit={submit}>
        <div class="account-head">
          <h2 data-label="account.title">{tr('account.title')}</h2>
          <button type="button" class="ghost" data-action="account-close" onClick={props.onClose}>
            {tr('account.close')}
          </button>
        </div>
        <p class="muted" data-label="account.signedInAs">
          {tr('account.signedInAs', {
            name:
              personName(props.user) === props.user.username
                ? props.user.username
                : `${personName(props.user)} (${props.user.username})`,
          })}
        </p>
        {/* the username, for the browser's password manager to file the new password under */}
        <input
          type="text"
          name="account-username"
          autoComplete="username"
          value={props.user.username}
          hidden
          readOnly
        />
        {field('current-password', 'account.current', current, 'current-password')}
        {field('new-password', 'account.new', next, 'new-password')}
        {field('repeat-password', 'account.repeat', repeat, 'new-password')}
        {said.value && (
          <p
            class={said.value.kind === 'error' ? 'error' : 'ok-text'}
            role={said.value.kind === 'error' ? 'alert' : 'status'}
            data-said={said.value.kind}
          >
            {said.value.words()}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy.value} data-label="account.submit">
          {tr('account.submit')}
        </button>
        {/* on a phone the header has no room for signing out beside the name: it is here */}
        <button type="button" class="ghost" data-action="account-sign-out" onClick={props.onSignOut}>
          {tr('nav.signOut')}
        </button>
      </form>
    </section>
  )
}
