// The alert list: filter by state, severity, site and type; acknowledge or clear (with a note) in place.
// The count and "no alerts" wait for the filter's list to answer: an unanswered list is not an empty one.

import { t } from '../i18n/index.ts'
import { AlertRow } from '../parts/alert-row.tsx'
import { Loading, LoadProblem } from '../parts/load-problem.tsx'
import { now } from '../parts/now.ts'
import type { AlertsStore, StateFilter } from '../stores/alerts-store.ts'
import { ALERT_TYPE_LIST, SEVERITY_ORDER, type Site } from '../types.ts'

const STATES: StateFilter[] = ['open', 'active', 'acknowledged', 'cleared', 'all']

/** `canAct`: acknowledging and clearing are offered (not to a viewer) */
export function AlertsView(props: { store: AlertsStore; sites: Site[]; canAct: boolean }) {
  const tr = t.value
  const s = props.store
  const f = s.filter.value
  const siteById = new Map(props.sites.map((x) => [x.id, x]))
  const list = s.visible.value
  const status = s.list.status.value
  const known = status === 'ready'
  return (
    <main class="alerts-view">
      <h1 data-label="alerts.title">{tr('alerts.title')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span data-label="filter.state">{tr('filter.state')}</span>
          <select
            name="state"
            value={f.state}
            onChange={(e) => s.setFilter({ state: (e.target as HTMLSelectElement).value as StateFilter })}
          >
            {STATES.map((x) => (
              <option key={x} value={x}>
                {tr(`filter.state.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span data-label="filter.severity">{tr('filter.severity')}</span>
          <select
            name="severity"
            value={f.severity ?? ''}
            onChange={(e) =>
              s.setFilter({ severity: ((e.target as HTMLSelectElement).value || undefined) as never })
            }
          >
            <option value="">{tr('filter.any')}</option>
            {[...SEVERITY_ORDER].reverse().map((x) => (
              <option key={x} value={x}>
                {tr(`severity.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span data-label="filter.site">{tr('filter.site')}</span>
          <select
            name="site"
            value={f.siteId ?? ''}
            onChange={(e) => s.setFilter({ siteId: (e.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">{tr('filter.any')}</option>
            {props.sites.map((x) => (
              <option key={x.id} value={x.id}>
                {x.community} · {x.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span data-label="filter.type">{tr('filter.type')}</span>
          <select
            name="type"
            value={f.type ?? ''}
            onChange={(e) =>
              s.setFilter({ type: ((e.target as HTMLSelectElement).value || undefined) as never })
            }
          >
            <option value="">{tr('filter.any')}</option>
            {ALERT_TYPE_LIST.map((x) => (
              <option key={x} value={x}>
                {tr(`alertType.${x}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {s.error.value && (
        <p class="error" role="alert">
          {s.error.value}
        </p>
      )}
      <LoadProblem load={s.list} />
      {/* how many, or none, only once the list for this filter has answered */}
      {known ? (
        <p class="muted" data-label="alerts.count">
          {tr('alerts.count', { n: list.length })}
        </p>
      ) : (
        status === 'loading' && <Loading />
      )}
      {known && list.length === 0 && <p class="empty">{tr('alerts.none')}</p>}
      <ul class="alert-list">
        {list.map((a) => (
          <AlertRow
            key={a.id}
            alert={a}
            site={siteById.get(a.siteId)}
            now={now.value}
            busy={s.busy.value === a.id}
            onAct={props.canAct ? (action, note) => s.act(a.id, action, note) : undefined}
          />
        ))}
      </ul>
    </main>
  )
}
