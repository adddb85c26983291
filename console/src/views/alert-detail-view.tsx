// One alert: what, where, since when, its history (every transition with who and note), the commands
// sent for it and the notifications; acknowledge and clear with a note.
import { useSignal } from '@preact/signals'
import { fmt } from '../format.ts'
import { t } from '../i18n/index.ts'
import { actorLabel } from '../parts/actor.ts'
import { linkTo } from '../router.ts'
import type { AlertDetailStore } from '../stores/alert-detail-store.ts'
import type { Site } from '../types.ts'

/** `canAct`: acknowledging and clearing are offered (not to a viewer) */
export function AlertDetailView(props: { store: AlertDetailStore; sites: Site[]; canAct: boolean }) {
  const tr = t.value
  const f = fmt.value
  const s = props.store
  const note = useSignal('')
  const a = s.detail.value
  if (!a)
    return (
      <main>
        {s.error.value ? <p class="error">{s.error.value}</p> : <p class="muted">{tr('common.loading')}</p>}
      </main>
    )
  const site = props.sites.find((x) => x.id === a.siteId)
  const act = async (action: 'ack' | 'clear') => {
    if (await s.act(action, note.value.trim() || undefined)) note.value = ''
  }
  return (
    <main class="alert-detail" data-alert-id={a.id} data-state={a.state}>
      <p>
        <a {...linkTo('/alerts')} data-label="alerts.back">
          ← {tr('alerts.back')}
        </a>
      </p>
      <h1>
        <span class={`badge sev-${a.severity}`}>{tr(`severity.${a.severity}`)}</span>{' '}
        {tr(`alertType.${a.type}`)}
      </h1>
      <dl class="facts">
        <dt data-label="alert.state">{tr('alert.state')}</dt>
        <dd class="alert-state">{tr(`state.${a.state}`)}</dd>
        <dt data-label="alert.where">{tr('alert.where')}</dt>
        <dd>
          {site && (
            <a {...linkTo(`/sites/${encodeURIComponent(site.id)}`)}>{`${site.community} · ${site.name}`}</a>
          )}
          {' · '}
          <a {...linkTo(`/devices/${encodeURIComponent(a.deviceId)}`)}>{a.deviceId}</a>
          {a.port !== undefined && ` · ${tr('alerts.port', { n: a.port })}`}
        </dd>
        <dt data-label="alert.raised">{tr('alert.raised')}</dt>
        <dd>{f.dateTime(a.raisedAt)}</dd>
        <dt data-label="alert.message">{tr('alert.message')}</dt>
        <dd>{a.message}</dd>
        {a.lastValue !== undefined && (
          <>
            <dt data-label="alert.lastValue">{tr('alert.lastValue')}</dt>
            <dd>{typeof a.lastValue === 'number' ? f.num(a.lastValue, 1) : String(a.lastValue)}</dd>
          </>
        )}
      </dl>
      {props.canAct && a.state !== 'cleared' && (
        <div class="alert-actions">
          <input
            class="note"
            type="text"
            maxLength={2000}
            placeholder={tr('alerts.notePlaceholder')}
            value={note.value}
            onInput={(e) => (note.value = (e.target as HTMLInputElement).value)}
          />
          {a.state === 'active' && (
            <button
              type="button"
              class="primary"
              disabled={s.busy.value}
              onClick={() => act('ack')}
              data-action="ack"
            >
              {tr('alerts.ack')}
            </button>
          )}
          <button type="button" disabled={s.busy.value} onClick={() => act('clear')} data-action="clear">
            {tr('alerts.clear')}
          </button>
        </div>
      )}
      {s.error.value && <p class="error">{s.error.value}</p>}
      <h2 data-label="alert.history">{tr('alert.history')}</h2>
      <ol class="history">
        {a.history.map((h, i) => (
          <li key={i}>
            <time>{f.dateTime(h.at)}</time> <strong>{tr(`transition.${h.kind}`)}</strong> ·{' '}
            {actorLabel(h.by, tr)}
            {h.severity && ` · ${tr(`severity.${h.severity}`)}`}
            {h.note && <q>{h.note}</q>}
          </li>
        ))}
      </ol>
      <h2 data-label="alert.commands">{tr('alert.commands')}</h2>
      {a.commands.length === 0 ? (
        <p class="muted">{tr('common.none')}</p>
      ) : (
        <ul class="history">
          {a.commands.map((c) => (
            <li key={c.id}>
              <time>{f.dateTime(c.requestedAt)}</time> <code>{c.name}</code> {JSON.stringify(c.args)} ·{' '}
              {actorLabel(c.by, tr)} · {c.result}
              {c.error && ` (${c.error})`}
            </li>
          ))}
        </ul>
      )}
      <h2 data-label="alert.notifications">{tr('alert.notifications')}</h2>
      {s.notifications.value.length === 0 ? (
        <p class="muted">{tr('common.none')}</p>
      ) : (
        <ul class="history">
          {s.notifications.value.map((n, i) => (
            <li key={i}>
              <time>{f.dateTime(n.at)}</time>{' '}
              {n.kind === 'sent' ? tr('notify.sent') : tr('notify.suppressed')} ·{' '}
              {n.channelType ?? n.cause ?? ''} {n.state ?? ''} {n.reason ?? ''}
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}
