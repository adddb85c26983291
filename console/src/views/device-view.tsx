// One device: a field's history over a chosen range, its latest state, events, alerts, and the commands
// a crew may send with the device's answer. Events and commands are worded from their fields in the
// page's language (parts/event-words.ts, command-words.ts); times are the site's.
import { useSignal } from '@preact/signals'
import type { CommandName } from '../../../domain/protocol.ts'
import { fmt } from '../format.ts'
import { lang, t } from '../i18n/index.ts'
import { actorLabel } from '../parts/actor.ts'
import { AlertRow } from '../parts/alert-row.tsx'
import { commandFailure, commandResult, commandText } from '../parts/command-words.ts'
import { errorText } from '../parts/error-text.ts'
import { eventText } from '../parts/event-words.ts'
import { Loading, LoadProblem } from '../parts/load-problem.tsx'
import { now } from '../parts/now.ts'
import { usePeopleNames } from '../parts/people-names.ts'
import { useSiteZones } from '../parts/site-zone.ts'
import { learnedLoadText } from '../parts/stray-wire-words.ts'
import { TimeChart } from '../parts/time-chart.tsx'
import { linkTo } from '../router.ts'
import {
  COMMANDS,
  type DeviceStore,
  FIELDS,
  type FieldPath,
  RANGES,
  type RangeKey,
  STRAY_WIRE_KINDS,
} from '../stores/device-store.ts'
import type { Site } from '../types.ts'

const PORT_COMMANDS: readonly CommandName[] = ['stop_port', 'enable_port', 'disable_port']

function argsFor(name: CommandName, port: number, pct: number, on: boolean): Record<string, unknown> {
  switch (name) {
    case 'stop_port':
    case 'enable_port':
    case 'disable_port':
      return { port }
    case 'set_power':
      return { on }
    case 'set_brightness':
      return { pct }
    case 'ping':
      return {}
    default: {
      const never: never = name
      throw new Error(`unknown command ${never}`)
    }
  }
}

/**
 * `canCommand`: the command form is offered (not to a viewer); what was sent shows to everyone.
 * `canUnlearn`: what the stray-wire check learned may be undone (a manager's), shown to everyone
 */
export function DeviceView(props: {
  store: DeviceStore
  sites: Site[]
  canCommand: boolean
  canUnlearn: boolean
}) {
  const tr = t.value
  const f = fmt.value
  const s = props.store
  const cmd = useSignal<CommandName | ''>('')
  const cmdPort = useSignal(1)
  const pct = useSignal(80)
  const on = useSignal(true)
  const zones = useSiteZones()
  const names = usePeopleNames()
  const d = s.device.value
  if (!d)
    return (
      <main>
        {s.error.value ? <p class="error">{s.error.value}</p> : <p class="muted">{tr('common.loading')}</p>}
      </main>
    )
  const w = { tr, f }
  const zone = zones.offsetOf(d.siteId)
  const ports = ((d.reading?.ports as { port: number }[] | undefined) ?? []).map((p) => p.port)
  const commands = COMMANDS[d.kind]
  const chosen = cmd.value || commands[0]!
  const a = s.answer.value
  // "none" only once the device's alerts and events have answered
  const listsStatus = s.lists.status.value
  return (
    <main class="device-view" data-device-id={d.id}>
      <p>
        <a {...linkTo(`/sites/${encodeURIComponent(d.siteId)}`)} data-label="device.backToSite">
          ← {tr('device.backToSite')}
        </a>
      </p>
      <h1>
        {d.name ?? d.id}{' '}
        <span class={d.online ? 'ok-text' : 'warn-text'} data-field="online">
          {d.online ? tr('device.online') : tr('device.offline')}
        </span>
      </h1>
      <p class="muted">
        {tr(`deviceKind.${d.kind}`)} · {d.id}
        {d.lastSeen && ` · ${tr('device.lastSeen')} ${f.dateTime(d.lastSeen, zone)}`}
      </p>

      <h2 data-label="device.history">{tr('device.history')}</h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span data-label="device.field">{tr('device.field')}</span>
          <select
            name="field"
            value={s.field.value}
            onChange={(e) => s.choose({ field: (e.target as HTMLSelectElement).value })}
          >
            {FIELDS[d.kind].map((x) => (
              <option key={x} value={x}>
                {tr(`field.${x}`)}
              </option>
            ))}
          </select>
        </label>
        {s.field.value.startsWith('port:') && (
          <label>
            <span data-label="device.port">{tr('device.port')}</span>
            <select
              name="port"
              value={s.port.value}
              onChange={(e) => s.choose({ port: Number((e.target as HTMLSelectElement).value) })}
            >
              {ports.map((p) => (
                <option key={p} value={p}>
                  {tr('alerts.port', { n: p })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          <span data-label="device.range">{tr('device.range')}</span>
          <select
            name="range"
            value={s.range.value}
            onChange={(e) => s.choose({ range: (e.target as HTMLSelectElement).value as RangeKey })}
          >
            {(Object.keys(RANGES) as RangeKey[]).map((r) => (
              <option key={r} value={r}>
                {tr(`range.${r}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p class="muted" data-points={s.columns.value[0]?.length ?? 0}>
        {tr('device.points', { n: s.columns.value[0]?.length ?? 0 })}
      </p>
      <TimeChart
        columns={s.columns.value}
        series={[{ label: tr(`field.${s.field.value as FieldPath}`), color: '#4f8cff' }]}
        version={s.tick.value}
        locale={lang.value}
        utcOffsetMin={zone}
        timeLabel={tr('chart.time')}
        formatValue={(v) => f.num(v, 1)}
      />

      {STRAY_WIRE_KINDS.includes(d.kind) && (
        <section class="learned" data-section="learned">
          <h2 data-label="learned.title">{tr('learned.title')}</h2>
          <p class="muted" data-label="learned.note">
            {tr('learned.note')}
          </p>
          <LoadProblem load={s.learnedLoad} />
          {s.learnedLoad.status.value === 'loading' ? (
            <Loading />
          ) : s.learnedLoad.status.value === 'failed' ? null : s.learned.value.length === 0 ? (
            <p class="muted" data-label="learned.none">
              {tr('learned.none')}
            </p>
          ) : (
            <ul class="history learned-loads">
              {s.learned.value.map((l) => (
                <li key={l.id} data-sig={l.id} data-kind={l.kind} data-source={l.source}>
                  <span>{learnedLoadText(l, w, s.learned.value)}</span>{' '}
                  {l.alertId && (
                    <a {...linkTo(`/alerts/${encodeURIComponent(l.alertId)}`)}>
                      {f.dateTime(l.firstTs, zone)}
                    </a>
                  )}
                  {l.note && <q>{l.note}</q>}{' '}
                  {props.canUnlearn && (
                    <button
                      type="button"
                      class="unlearn"
                      data-action="unlearn"
                      disabled={s.forgetting.value !== null}
                      onClick={() => void s.forget(l.id)}
                    >
                      {tr('learned.undo')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {s.learnedFailure.value && (
            <p class="error" role="alert">
              {tr('learned.undoFailed', { why: errorText(s.learnedFailure.value, tr) })}
            </p>
          )}
        </section>
      )}

      {commands.length > 0 && (
        <section>
          <h2 data-label="device.commands">{tr('device.commands')}</h2>
          {props.canCommand && (
            <form
              class="command-form"
              onSubmit={(e) => {
                e.preventDefault()
                void s.send(chosen, argsFor(chosen, cmdPort.value, pct.value, on.value))
              }}
            >
              <select
                name="command"
                value={chosen}
                onChange={(e) => (cmd.value = (e.target as HTMLSelectElement).value as CommandName)}
              >
                {commands.map((c) => (
                  <option key={c} value={c}>
                    {tr(`command.${c}`)}
                  </option>
                ))}
              </select>
              {PORT_COMMANDS.includes(chosen) && (
                <select
                  name="command-port"
                  value={cmdPort.value}
                  onChange={(e) => (cmdPort.value = Number((e.target as HTMLSelectElement).value))}
                >
                  {ports.map((p) => (
                    <option key={p} value={p}>
                      {tr('alerts.port', { n: p })}
                    </option>
                  ))}
                </select>
              )}
              {chosen === 'set_brightness' && (
                <input
                  name="pct"
                  type="number"
                  min={0}
                  max={100}
                  value={pct.value}
                  onInput={(e) => (pct.value = Number((e.target as HTMLInputElement).value))}
                />
              )}
              {chosen === 'set_power' && (
                <select
                  name="on"
                  value={String(on.value)}
                  onChange={(e) => (on.value = (e.target as HTMLSelectElement).value === 'true')}
                >
                  <option value="true">{tr('command.on')}</option>
                  <option value="false">{tr('command.off')}</option>
                </select>
              )}
              <button type="submit" class="primary" disabled={s.sending.value} data-action="send-command">
                {tr('device.send')}
              </button>
            </form>
          )}
          {s.sending.value && <p class="muted">{tr('device.waiting')}</p>}
          {a && (
            <p class={a.ok ? 'ok-text' : 'error'} data-answer={a.ok ? 'ok' : 'refused'}>
              {a.ok
                ? tr('device.answerOk', { name: commandText(a, w) })
                : tr('device.answerError', {
                    why: a.failure
                      ? commandFailure(a.failure, w)
                      : commandResult({ result: 'error', error: a.error }, w),
                  })}
            </p>
          )}
          {!props.canCommand && s.commands.value.length === 0 && <p class="muted">{tr('common.none')}</p>}
          <ul class="history commands">
            {s.commands.value.map((c) => (
              <li key={c.id} data-result={c.result}>
                <time>{f.dateTime(c.requestedAt, zone)}</time> <strong>{commandText(c, w)}</strong> ·{' '}
                {actorLabel(c.by, tr, names, c.requestedAt)} · {commandResult(c, w)}
              </li>
            ))}
          </ul>
        </section>
      )}

      <h2 data-label="device.alerts">{tr('device.alerts')}</h2>
      <LoadProblem load={s.lists} />
      {listsStatus === 'loading' ? (
        <Loading />
      ) : listsStatus === 'failed' && s.alerts.value.length === 0 ? null : s.alerts.value.length === 0 ? (
        <p class="muted">{tr('common.none')}</p>
      ) : (
        <ul class="alert-list">
          {s.alerts.value.map((x) => (
            <AlertRow
              key={x.id}
              alert={x}
              site={props.sites.find((y) => y.id === x.siteId)}
              now={now.value}
            />
          ))}
        </ul>
      )}
      <h2 data-label="device.events">{tr('device.events')}</h2>
      {listsStatus === 'loading' ? (
        <Loading />
      ) : listsStatus === 'failed' && s.events.value.length === 0 ? null : s.events.value.length === 0 ? (
        <p class="muted">{tr('common.none')}</p>
      ) : (
        <ul class="history events">
          {s.events.value.map((e, i) => (
            <li key={i} data-event={e.event}>
              <time>{f.dateTime(e.ts, zone)}</time> {eventText(e, w)}
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}
