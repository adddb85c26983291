// The control room: every site as a card, worst open alert first; devices online/offline; for sheds the
// ports in use and the power now. Kiosk mode (`?kiosk=1`) hides the chrome and enlarges the type.
// Until the devices' states and the alerts have answered, a card shows its site and says it is loading
// (or that its state is unknown): never counts of 0 or "all clear" for what is not known yet. While the
// live feed is cut (and until the snapshot after the reconnect has answered) the cards show the state
// from before, said as such: open alerts stay, "all clear" becomes "no alerts before; now unknown". A
// site created while the page is open gets its card without a reload (see stores/estate-store.ts), which
// says it is loading until that site's devices and alerts have answered.
import { fmt } from '../format.ts'
import { t } from '../i18n/index.ts'
import { Loading, LoadProblem } from '../parts/load-problem.tsx'
import { now } from '../parts/now.ts'
import { linkTo } from '../router.ts'
import type { EstateStore, SiteCard } from '../stores/estate-store.ts'
import type { LoadStatus } from '../stores/load-state.ts'

/** A card's first lines: the site's name (a link to it), its community and kind. */
function SiteHead(props: { site: SiteCard['site'] }) {
  const { site } = props
  return (
    <>
      <a {...linkTo(`/sites/${encodeURIComponent(site.id)}`)} class="site-name">
        {site.name}
      </a>
      <div class="muted">
        {site.community} · {t.value(`siteKind.${site.kind}`)}
      </div>
    </>
  )
}

/** A site whose devices' states and alerts are not known yet: loading, or failed (said above the grid). */
function UnknownCard(props: { c: SiteCard; status: Exclude<LoadStatus, 'ready'> }) {
  const tr = t.value
  const { site } = props.c
  const loading = props.status === 'loading'
  return (
    <li class="site-card unknown" data-site-id={site.id} data-status={props.status} aria-busy={loading}>
      <SiteHead site={site} />
      <div class="site-worst">
        {loading ? (
          <span class="muted loading-text" data-label="estate.loadingStates">
            {tr('estate.loadingStates')}
          </span>
        ) : (
          <span class="warn-text" data-label="estate.unknown">
            {tr('estate.unknown')}
          </span>
        )}
      </div>
    </li>
  )
}

function Card(props: { c: SiteCard; stale: boolean }) {
  const tr = t.value
  const f = fmt.value
  const { site, worst, ports } = props.c
  // no open alert is not "all clear" while devices are offline (one that never spoke raises no alert)
  const quietOffline = !worst && props.c.offline > 0
  return (
    <li
      class={`site-card ${worst ? `sev-${worst.severity}` : quietOffline ? 'sev-warning' : props.stale ? 'unknown' : 'ok'}`}
      data-site-id={site.id}
      data-status={props.stale ? 'stale' : 'ready'}
    >
      <SiteHead site={site} />
      <div class="site-worst" data-label="estate.worst">
        {worst ? (
          <>
            <span class={`badge sev-${worst.severity}`}>{tr(`severity.${worst.severity}`)}</span>{' '}
            {tr(`alertType.${worst.type}`)}
            {worst.port !== undefined && ` · ${tr('alerts.port', { n: worst.port })}`}
            <span class="muted"> · {f.ago(worst.raisedAt, now.value)}</span>
            {props.c.openAlerts > 1 && (
              <span class="muted"> · {tr('estate.more', { n: props.c.openAlerts - 1 })}</span>
            )}
          </>
        ) : quietOffline ? (
          <span class="warn-text" data-label="estate.noAlertsOffline">
            {tr('estate.noAlertsOffline', { n: props.c.offline })}
          </span>
        ) : props.stale ? (
          <span class="muted" data-label="estate.noAlertsBefore">
            {tr('estate.noAlertsBefore')}
          </span>
        ) : (
          <span class="ok-text">{tr('estate.allClear')}</span>
        )}
      </div>
      <div class="site-figures">
        <span data-figure="online">{tr('estate.online', { n: props.c.online })}</span>
        <span data-figure="offline" class={props.c.offline ? 'warn-text' : ''}>
          {tr('estate.offline', { n: props.c.offline })}
        </span>
        {ports && (
          <>
            <span data-figure="ports">{tr('estate.ports', { used: ports.inUse, total: ports.total })}</span>
            <span data-figure="power">{f.watts(ports.powerW)}</span>
          </>
        )}
      </div>
    </li>
  )
}

export function EstateView(props: { store: EstateStore }) {
  const tr = t.value
  const s = props.store
  const cards = s.cards.value
  const status = s.load.status.value
  const stale = status === 'ready' && s.stale.value
  return (
    <main class="estate-view">
      <h1 data-label="estate.title">{tr('estate.title')}</h1>
      <LoadProblem load={s.load} />
      {stale && (
        <div class="stale-note" role="status">
          <p data-label="estate.stale">{tr('estate.stale')}</p>
          <LoadProblem load={s.refresh} />
        </div>
      )}
      {status === 'loading' && cards.length === 0 && <Loading />}
      <ul class="site-grid" data-status={status} data-updated={s.updatedAt.value}>
        {cards.map((c) =>
          status === 'ready' && !c.pending ? (
            <Card key={c.site.id} c={c} stale={stale} />
          ) : (
            <UnknownCard key={c.site.id} c={c} status={status === 'ready' ? 'loading' : status} />
          ),
        )}
      </ul>
    </main>
  )
}
