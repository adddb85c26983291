// One alert: what, where, since when, its history (every transition with who and note), the commands
// sent for it and the notifications; acknowledge and clear with a note. What it says is worded from the
// alert's fields in the page's language (parts/*-words.ts), and its times are the site's.
import { useSignal } from '@preact/signals'
import { fmt } from '../format.ts'
import { t } from '../i18n/index.ts'
import { actorLabel, isPerson } from '../parts/actor.ts'
import { alertEvidence, alertSummary, alertTypeName, alertValue } from '../parts/alert-words.ts'
import { commandResult, commandStepText, commandText } from '../parts/command-words.ts'
import { useDeviceNames } from '../parts/device-names.ts'
import { notificationText } from '../parts/notification-words.ts'
import { usePeopleNames } from '../parts/people-names.ts'
import { useSiteZones } from '../parts/site-zone.ts'
import { notChargingNote } from '../parts/stray-wire-words.ts'
import { linkTo } from '../router.ts'
import type { AlertDetailStore } from '../stores/alert-detail-store.ts'
import { SIGNATURE_KIND_LIST, type SignatureKind, type Site } from '../types.ts'

/** `canAct`: acknowledging and clearing are offered (not to a viewer) */
export function AlertDetailView(props: { store: AlertDetailStore; sites: Site[]; canAct: boolean }) {
  const tr = t.value
  const f = fmt.value
  const s = props.store
  const note = useSignal('')
  const zones = useSiteZones()
  const names = usePeopleNames()
  const devices = useDeviceNames()
  const a = s.detail.value
  if (!a)
    return (
      <main>
        {s.error.value ? <p class="error">{s.error.value}</p> : <p class="muted">{tr('common.loading')}</p>}
      </main>
    )
  const site = props.sites.find((x) => x.id === a.siteId)
  const w = { tr, f }
  const zone = zones.offsetOf(a.siteId)
  const value = alertValue(a, w)
  const evidence = alertEvidence(a, w, zone)
  const act = async (action: 'ack' | 'clear', notCharging?: SignatureKind) => {
    if (await s.act(action, note.value.trim() || undefined, notCharging)) note.value = ''
  }
  const strayWire = a.type === 'stray_wire_charging'
  return (
    <main class="alert-detail" data-alert-id={a.id} data-state={a.state}>
      <p>
        <a {...linkTo('/alerts')} data-label="alerts.back">
          ← {tr('alerts.back')}
        </a>
      </p>
      <h1>
        <span class={`badge sev-${a.severity}`}>{tr(`severity.${a.severity}`)}</span>{' '}
        {alertTypeName(a.type, w)}
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
          <a {...linkTo(`/devices/${encodeURIComponent(a.deviceId)}`)} data-field="device">
            {devices.nameOf(a.deviceId) ?? a.deviceId}
          </a>
          {a.port !== undefined && ` · ${tr('alerts.port', { n: a.port })}`}
        </dd>
        <dt data-label="alert.raised">{tr('alert.raised')}</dt>
        <dd data-field="raisedAt">{f.dateTime(a.raisedAt, zone)}</dd>
        <dt data-label="alert.message">{tr('alert.message')}</dt>
        <dd data-field="summary">{alertSummary(a, w, zone)}</dd>
        {value !== undefined && (
          <>
            <dt data-label="alert.lastValue">{tr('alert.lastValue')}</dt>
            <dd data-field="lastValue">{value}</dd>
          </>
        )}
        {evidence.length > 0 && (
          <>
            <dt data-label="alert.evidence">{tr('alert.evidence')}</dt>
            <dd>
              <ul class="evidence" data-field="evidence">
                {evidence.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            </dd>
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
      {props.canAct && strayWire && a.state !== 'cleared' && (
        <fieldset class="not-charging">
          <legend data-label="alert.notCharging">{tr('alert.notCharging')}</legend>
          <div class="not-charging-kinds">
            {SIGNATURE_KIND_LIST.map((k) => (
              <button
                key={k}
                type="button"
                class="not-charging-kind"
                disabled={s.busy.value}
                onClick={() => act('clear', k)}
                data-action="clear-not-charging"
                data-kind={k}
              >
                {tr(`signature.${k}`)}
              </button>
            ))}
          </div>
          <p class="muted" data-label="alert.notChargingHint">
            {tr('alert.notChargingHint')}
          </p>
        </fieldset>
      )}
      {strayWire && (
        <p>
          <a {...linkTo(`/devices/${encodeURIComponent(a.deviceId)}`)} data-label="alert.learnedLink">
            {tr('alert.learnedLink')} →
          </a>
        </p>
      )}
      {s.error.value && <p class="error">{s.error.value}</p>}
      <h2 data-label="alert.history">{tr('alert.history')}</h2>
      <ol class="history">
        {a.history.map((h, i) => {
          // the engine's own command: worded from its detail, not its English note
          const step = h.kind === 'command' ? commandStepText(h.detail, w) : undefined
          return (
            <li key={i}>
              <time>{f.dateTime(h.at, zone)}</time> <strong>{tr(`transition.${h.kind}`)}</strong> ·{' '}
              {actorLabel(h.by, tr, names, h.at)}
              {h.severity && ` · ${tr(`severity.${h.severity}`)}`}
              {step && ` · ${step}`}
              {/* a person's note in their words; the engine's notes are its English for the API */}
              {h.note && isPerson(h.by) && <q>{(strayWire && notChargingNote(h.note, w)) || h.note}</q>}
            </li>
          )
        })}
      </ol>
      <h2 data-label="alert.commands">{tr('alert.commands')}</h2>
      {a.commands.length === 0 ? (
        <p class="muted">{tr('common.none')}</p>
      ) : (
        <ul class="history commands">
          {a.commands.map((c) => (
            <li key={c.id} data-result={c.result}>
              <time>{f.dateTime(c.requestedAt, zone)}</time> <strong>{commandText(c, w)}</strong> ·{' '}
              {actorLabel(c.by, tr, names, c.requestedAt)} · {commandResult(c, w)}
            </li>
          ))}
        </ul>
      )}
      <h2 data-label="alert.notifications">{tr('alert.notifications')}</h2>
      {s.notifications.value.length === 0 ? (
        <p class="muted">{tr('common.none')}</p>
      ) : (
        <ul class="history notifications">
          {s.notifications.value.map((n, i) => (
            // the receiver's own error (an HTTP status, a mail server's reply) for whoever looks into it
            <li key={i} data-state={n.state ?? n.kind} title={n.lastError}>
              <time>{f.dateTime(n.at, zone)}</time> {notificationText(n, w, names)}
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}
