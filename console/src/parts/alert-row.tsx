// One alert as a row of the list (and of a shed's or the control room's alert strip): what, where,
// since when (the site's time), who acknowledged and cleared (by display name, parts/actor.ts);
// acknowledge/clear with a note in two taps.
import { useSignal } from '@preact/signals'
import { fmt } from '../format.ts'
import { t } from '../i18n/index.ts'
import { linkTo } from '../router.ts'
import type { Alert, Site } from '../types.ts'
import { actorLabel } from './actor.ts'
import { alertSummary, alertTypeName } from './alert-words.ts'
import { useDeviceNames } from './device-names.ts'
import { usePeopleNames } from './people-names.ts'
import { useSiteOffset } from './site-zone.ts'

export function AlertRow(props: {
  alert: Alert
  site?: Site
  now: number
  busy?: boolean
  onAct?: (action: 'ack' | 'clear', note?: string) => Promise<unknown>
}) {
  const { alert: a, site } = props
  const tr = t.value
  const f = fmt.value
  const note = useSignal('')
  const open = useSignal(false)
  const zone = useSiteOffset(a.siteId)
  const names = usePeopleNames()
  const devices = useDeviceNames()
  const w = { tr, f }
  const act = (action: 'ack' | 'clear') =>
    props.onAct?.(action, note.value.trim() || undefined).then(
      () => {
        note.value = ''
        open.value = false
      },
      () => undefined,
    )
  return (
    <li class={`alert-row sev-${a.severity} state-${a.state}`} data-alert-id={a.id} data-state={a.state}>
      <div class="alert-main">
        <span class={`badge sev-${a.severity}`} data-label="severity">
          {tr(`severity.${a.severity}`)}
        </span>
        <a class="alert-type" {...linkTo(`/alerts/${encodeURIComponent(a.id)}`)} data-label="type">
          {alertTypeName(a.type, w)}
        </a>
        <span class="alert-state" data-label="state">
          {tr(`state.${a.state}`)}
        </span>
      </div>
      <div class="alert-what" data-field="summary">
        {alertSummary(a, w, zone)}
      </div>
      <div class="alert-where">
        {site ? `${site.community} · ${site.name}` : a.siteId} · {devices.nameOf(a.deviceId) ?? a.deviceId}
        {a.port !== undefined && ` · ${tr('alerts.port', { n: a.port })}`}
      </div>
      <div class="alert-when muted">
        <time dateTime={new Date(a.raisedAt).toISOString()}>{f.dateTime(a.raisedAt, zone)}</time> (
        {f.ago(a.raisedAt, props.now)}){a.count > 1 && ` · ×${a.count}`}
        {a.acknowledgedBy &&
          ` · ${tr('alerts.ackedBy', { who: actorLabel(a.acknowledgedBy, tr, names, a.acknowledgedAt) })}`}
        {a.state === 'cleared' &&
          a.clearedBy &&
          ` · ${tr('alerts.clearedBy', { who: actorLabel(a.clearedBy, tr, names, a.clearedAt) })}`}
      </div>
      {props.onAct && a.state !== 'cleared' && (
        <div class="alert-actions">
          {open.value && (
            <input
              class="note"
              type="text"
              maxLength={2000}
              placeholder={tr('alerts.notePlaceholder')}
              value={note.value}
              onInput={(e) => {
                note.value = (e.target as HTMLInputElement).value
              }}
            />
          )}
          {!open.value && (
            <button type="button" class="ghost" onClick={() => (open.value = true)} data-label="addNote">
              {tr('alerts.addNote')}
            </button>
          )}
          {a.state === 'active' && (
            <button
              type="button"
              class="primary"
              disabled={props.busy}
              onClick={() => act('ack')}
              data-action="ack"
            >
              {tr('alerts.ack')}
            </button>
          )}
          <button type="button" disabled={props.busy} onClick={() => act('clear')} data-action="clear">
            {tr('alerts.clear')}
          </button>
        </div>
      )}
    </li>
  )
}
