// The head of a site page: name, community and kind, and the site's open alerts worst first.
import type { ComponentChildren } from 'preact'
import { t } from '../i18n/index.ts'
import { linkTo } from '../router.ts'
import type { Alert, Site } from '../types.ts'
import { AlertRow } from './alert-row.tsx'
import { now } from './now.ts'

export function SiteHead(props: { site: Site; alerts: Alert[]; children?: ComponentChildren }) {
  const tr = t.value
  const { site } = props
  return (
    <>
      <h1>{site.name}</h1>
      <p class="muted">
        {site.community} · <span data-label="siteKind">{tr(`siteKind.${site.kind}`)}</span>
      </p>
      {props.children}
      {props.alerts.length > 0 && (
        <section>
          <h2 data-label="site.openAlerts">{tr('site.openAlerts')}</h2>
          <ul class="alert-list">
            {props.alerts.map((a) => (
              <AlertRow key={a.id} alert={a} site={site} now={now.value} />
            ))}
          </ul>
        </section>
      )}
    </>
  )
}

/** While the site loads, or why it did not. */
export function SiteLoading(props: { error?: string }) {
  const tr = t.value
  return (
    <main>
      {props.error ? <p class="error">{props.error}</p> : <p class="muted">{tr('common.loading')}</p>}
    </main>
  )
}

/** A device card's open alerts as badges, each a link to the alert; nothing when there are none. */
export function CardAlerts(props: { alerts: Alert[] }) {
  const tr = t.value
  if (props.alerts.length === 0) return null
  return (
    <div class="card-alerts">
      {props.alerts.map((a) => (
        <a key={a.id} class={`badge sev-${a.severity}`} {...linkTo(`/alerts/${encodeURIComponent(a.id)}`)}>
          {tr(`alertType.${a.type}`)}
        </a>
      ))}
    </div>
  )
}
