// A site's page by the site's kind: charging shed, day-care centre, building circuits or displays. The
// kind comes from the shell's list of sites, or (a site added after sign-in) from the API once.
import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { type Api, explain } from './api.ts'
import { t } from './i18n/index.ts'
import type { Live } from './live.ts'
import { usePageStore } from './page-store.ts'
import { createCircuitsStore } from './stores/circuits-store.ts'
import { createDaycareStore } from './stores/daycare-store.ts'
import { createDisplaysStore } from './stores/displays-store.ts'
import { createShedStore } from './stores/shed-store.ts'
import type { Site, SiteKind } from './types.ts'
import { CircuitsView } from './views/circuits-view.tsx'
import { DaycareView } from './views/daycare-view.tsx'
import { DisplaysView } from './views/displays-view.tsx'
import { ShedView } from './views/shed-view.tsx'

interface PageDeps {
  api: Api
  live: Live
  id: string
}

function ShedPage(props: PageDeps) {
  const store = usePageStore(() => createShedStore({ ...props, siteId: props.id }), props.id)
  return <ShedView store={store} />
}
function DaycarePage(props: PageDeps) {
  const store = usePageStore(() => createDaycareStore({ ...props, siteId: props.id }), props.id)
  return <DaycareView store={store} />
}
function CircuitsPage(props: PageDeps) {
  const store = usePageStore(() => createCircuitsStore({ ...props, siteId: props.id }), props.id)
  return <CircuitsView store={store} />
}
function DisplaysPage(props: PageDeps) {
  const store = usePageStore(() => createDisplaysStore({ ...props, siteId: props.id }), props.id)
  return <DisplaysView store={store} />
}

export function SitePages(props: PageDeps & { sites: Site[] }) {
  const { api, live, id } = props
  const known = props.sites.find((s) => s.id === id)?.kind
  const fetched = useSignal<SiteKind | undefined>(undefined)
  const error = useSignal<string | undefined>(undefined)
  useEffect(() => {
    if (known) return
    let current = true
    api.get<Site>(`/sites/${encodeURIComponent(id)}`).then(
      (s) => {
        if (current) fetched.value = s.kind
      },
      (err: unknown) => {
        if (current) error.value = explain(err)
      },
    )
    return () => {
      current = false
    }
  }, [id, known === undefined])
  const kind = known ?? fetched.value
  if (!kind)
    return (
      <main>
        {error.value ? <p class="error">{error.value}</p> : <p class="muted">{t.value('common.loading')}</p>}
      </main>
    )
  const deps = { api, live, id }
  switch (kind) {
    case 'charging-shed':
      return <ShedPage {...deps} />
    case 'daycare-centre':
      return <DaycarePage {...deps} />
    case 'building':
      return <CircuitsPage {...deps} />
    case 'display':
      return <DisplaysPage {...deps} />
    default: {
      const never: never = kind
      throw new Error(`unknown site kind ${String(never)}`)
    }
  }
}
