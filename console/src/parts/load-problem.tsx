// A load that failed, said so where its figures would be: why, whether it will be tried again by itself,
// and a button to try again now. Nothing while the load is under way or done.
import { t } from '../i18n/index.ts'
import type { LoadState } from '../stores/load-state.ts'
import { errorText } from './error-text.ts'

export function LoadProblem(props: { load: LoadState }) {
  const tr = t.value
  const l = props.load
  if (l.status.value !== 'failed') return null
  const e = l.error.value
  const why = e?.reached
    ? errorText({ ...e, message: `${e.message} (HTTP ${e.status})` }, tr)
    : e?.timedOutS
      ? tr('load.timeout', { s: e.timedOutS })
      : tr('load.unreachable')
  return (
    <div class="load-problem" role="alert" data-load="failed">
      <p class="error" data-label="load.failed">
        {tr('load.failed', { why })}
      </p>
      <p class="muted">{l.willRetry.value || l.retrying.value ? tr('load.willRetry') : tr('load.noRetry')}</p>
      <button type="button" data-action="retry" disabled={l.retrying.value} onClick={() => l.retryNow()}>
        {l.retrying.value ? tr('load.retrying') : tr('load.retry')}
      </button>
    </div>
  )
}

/** While the first load is under way: the page's own words for what it waits for. */
export function Loading(props: { text?: string }) {
  return (
    <p class="muted" data-load="loading" aria-busy="true">
      {props.text ?? t.value('common.loading')}
    </p>
  )
}
