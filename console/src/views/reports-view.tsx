// Reports for property managers: energy per shed per day, sessions per port, alerts by type per
// community, stray-wire incidents per building per month, over a range of dates, each downloadable as
// CSV. Tables turn into one card per row on a phone (reports-view.css). A pile is named by its name
// (stores/device-names.ts), its id where it has none; the CSV keeps ids.
import type { ComponentChildren } from 'preact'
import { fmt } from '../format.ts'
import { type MessageKey, t } from '../i18n/index.ts'
import { useDeviceNames } from '../parts/device-names.ts'
import { lastDays, type ReportName, type ReportState, type ReportsStore } from '../stores/reports-store.ts'
import './reports-view.css'

interface Column<R> {
  label: MessageKey
  /** numbers are right-aligned */
  num?: boolean
  cell(row: R): ComponentChildren
}

function ReportTable<N extends ReportName>(props: {
  store: ReportsStore
  name: N
  title: MessageKey
  note: MessageKey
  columns: Column<ReportState<N>['rows'][number]>[]
}) {
  const tr = t.value
  const state = props.store.reports[props.name].value as ReportState<N>
  const rows = state.rows as ReportState<N>['rows'][number][]
  return (
    <section class="report" data-report={props.name}>
      <div class="report-head">
        <h2 data-label={props.title}>{tr(props.title)}</h2>
        <a
          class="button"
          href={props.store.csvHref(props.name)}
          download
          data-action={`csv-${props.name}`}
          data-label="reports.csv"
          onClick={(e) => {
            if (!props.store.usesToken) return
            e.preventDefault()
            void props.store.downloadWithToken(props.name)
          }}
        >
          {tr('reports.csv')}
        </a>
      </div>
      <p class="muted" data-label={props.note}>
        {tr(props.note)}
      </p>
      {state.error && (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
      {state.loading && <p class="muted">{tr('common.loading')}</p>}
      {!state.loading && !state.error && rows.length === 0 && <p class="empty">{tr('reports.empty')}</p>}
      {rows.length > 0 && (
        <table class="report-table">
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.label} class={c.num ? 'num' : ''} data-label={c.label}>
                  {tr(c.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              // rows are a report's lines in the server's order; nothing reorders them in place
              <tr key={i}>
                {props.columns.map((c) => (
                  <td key={c.label} class={c.num ? 'num' : ''} data-col={tr(c.label)}>
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

const PRESETS = [7, 30, 90] as const

export function ReportsView(props: { store: ReportsStore }) {
  const tr = t.value
  const f = fmt.value
  const s = props.store
  const range = s.range.value
  const devices = useDeviceNames()
  const kwh = (v: number | null) => (v === null ? '—' : f.num(v, 2))
  // a day whose figure spans a meter that went back says so beside the figure, in words (a phone has no
  // hover), with the longer explanation as its tooltip and in the report's note
  const metered = (r: { meteredKWh: number | null; meterResets: string[] }) => {
    const piles = r.meterResets.map((id) => devices.nameOf(id) ?? id).join(', ')
    return (
      <span class="metered">
        <span>{kwh(r.meteredKWh)}</span>
        {r.meterResets.length > 0 && (
          <span
            class="meter-reset warn-text"
            data-meter-reset={r.meterResets.join(' ')}
            title={tr('reports.meterResetHelp', { piles })}
          >
            ↺ {tr('reports.meterReset', { piles })}
          </span>
        )}
      </span>
    )
  }
  // one element: on a phone the cell is a flex row of its column's label and this
  const site = (r: { community: string; siteName: string }) => (
    <span>
      <span class="muted">{r.community} · </span>
      {r.siteName}
    </span>
  )
  return (
    <main class="reports-view">
      <h1 data-label="reports.title">{tr('reports.title')}</h1>
      <form class="filters report-range" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span data-label="reports.from">{tr('reports.from')}</span>
          <input
            type="date"
            name="from"
            value={range.from}
            max={range.to}
            onChange={(e) => s.setRange({ ...range, from: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          <span data-label="reports.to">{tr('reports.to')}</span>
          <input
            type="date"
            name="to"
            value={range.to}
            min={range.from}
            onChange={(e) => s.setRange({ ...range, to: (e.target as HTMLInputElement).value })}
          />
        </label>
        <div class="presets">
          {PRESETS.map((n) => (
            <button
              key={n}
              type="button"
              class="ghost"
              data-action={`last-${n}`}
              onClick={() => s.setRange(lastDays(n))}
            >
              {tr('reports.lastDays', { n })}
            </button>
          ))}
        </div>
      </form>
      <p class="muted" data-label="reports.localTime">
        {tr('reports.localTime')}
      </p>
      <ReportTable
        store={s}
        name="energy"
        title="reports.energy"
        note="reports.energyNote"
        columns={[
          { label: 'reports.date', cell: (r) => r.date },
          { label: 'reports.site', cell: site },
          { label: 'reports.meteredKWh', num: true, cell: metered },
          { label: 'reports.chargedKWh', num: true, cell: (r) => kwh(r.chargedKWh) },
          { label: 'reports.sessionsEnded', num: true, cell: (r) => f.num(r.sessions) },
        ]}
      />
      <ReportTable
        store={s}
        name="sessions"
        title="reports.sessions"
        note="reports.sessionsNote"
        columns={[
          { label: 'reports.site', cell: site },
          { label: 'reports.device', cell: (r) => devices.nameOf(r.deviceId) ?? r.deviceId },
          { label: 'reports.port', num: true, cell: (r) => r.port },
          { label: 'reports.started', num: true, cell: (r) => f.num(r.started) },
          { label: 'reports.sessionsEnded', num: true, cell: (r) => f.num(r.ended) },
          { label: 'reports.chargedKWh', num: true, cell: (r) => kwh(r.chargedKWh) },
        ]}
      />
      <ReportTable
        store={s}
        name="alerts"
        title="reports.alerts"
        note="reports.alertsNote"
        columns={[
          { label: 'reports.community', cell: (r) => r.community },
          { label: 'reports.alertType', cell: (r) => tr(`alertType.${r.type}`) },
          { label: 'reports.raised', num: true, cell: (r) => f.num(r.raised) },
          { label: 'reports.open', num: true, cell: (r) => f.num(r.open) },
        ]}
      />
      <ReportTable
        store={s}
        name="stray-wire"
        title="reports.strayWire"
        note="reports.strayWireNote"
        columns={[
          { label: 'reports.month', cell: (r) => r.month },
          { label: 'reports.site', cell: site },
          { label: 'reports.incidents', num: true, cell: (r) => f.num(r.incidents) },
          { label: 'reports.open', num: true, cell: (r) => f.num(r.open) },
        ]}
      />
    </main>
  )
}
