// The shell: the signed-in person, navigation, language switch, live status, the alarm banner, and the
// page for the current route. Each page creates its one live store when it opens and drops it on leave.
// The person's name opens their account (changing their own password) above the page, which stays.
import { computed, useSignal } from '@preact/signals'
import type { JSX } from 'preact'
import { useEffect } from 'preact/hooks'
import type { Api } from './api.ts'
import { lang, setLang, t } from './i18n/index.ts'
import type { Live } from './live.ts'
import { usePageStore } from './page-store.ts'
import type { PeopleNames } from './parts/actor.ts'
import { type DeviceNames, DeviceNamesContext } from './parts/device-names.ts'
import { LoadProblem } from './parts/load-problem.tsx'
import { PeopleNamesContext } from './parts/people-names.ts'
import { SiteZonesContext } from './parts/site-zone.ts'
import { linkTo, location$, parseRoute } from './router.ts'
import { SitePages } from './site-pages.tsx'
import type { AlarmStore } from './stores/alarm-store.ts'
import { createAlertDetailStore } from './stores/alert-detail-store.ts'
import { createAlertsStore } from './stores/alerts-store.ts'
import { createDeviceStore } from './stores/device-store.ts'
import { createEstateStore } from './stores/estate-store.ts'
import { createReportsStore } from './stores/reports-store.ts'
import type { SiteZones } from './stores/site-zones.ts'
import { mayAct, mayChangeSettings, personName, type User } from './types.ts'
import { AccountView } from './views/account-view.tsx'
import { AlertDetailView } from './views/alert-detail-view.tsx'
import { AlertsView } from './views/alerts-view.tsx'
import { DeviceView } from './views/device-view.tsx'
import { EstateView } from './views/estate-view.tsx'
import { ReportsView } from './views/reports-view.tsx'

export interface AppDeps {
  api: Api
  live: Live
  alarm: AlarmStore
  /** each site's local time, which every time of a site is told in */
  zones: SiteZones
  /** the display names of the people who acted, for every page that says who */
  names: PeopleNames
  /** the names of the devices alerts are on, for every page that says where */
  devices: DeviceNames
  user: User
  onSignOut: () => void
}

function EstatePage(props: { deps: AppDeps }) {
  const store = usePageStore(() => createEstateStore(props.deps), 'estate')
  return <EstateView store={store} />
}
function AlertsPage(props: { deps: AppDeps }) {
  const { api, live, alarm } = props.deps
  const store = usePageStore(() => createAlertsStore({ api, live }), 'alerts')
  return <AlertsView store={store} sites={alarm.sites.value} canAct={mayAct(props.deps.user)} />
}
function AlertPage(props: { deps: AppDeps; id: string }) {
  const { api, live, alarm } = props.deps
  const store = usePageStore(() => createAlertDetailStore({ api, live, id: props.id }), props.id)
  return <AlertDetailView store={store} sites={alarm.sites.value} canAct={mayAct(props.deps.user)} />
}
function SitePage(props: { deps: AppDeps; id: string }) {
  const { api, live, alarm } = props.deps
  return <SitePages api={api} live={live} id={props.id} sites={alarm.sites.value} />
}

function DevicePage(props: { deps: AppDeps; id: string }) {
  const { api, live, alarm } = props.deps
  const store = usePageStore(() => createDeviceStore({ api, live, id: props.id }), props.id)
  return (
    <DeviceView
      store={store}
      sites={alarm.sites.value}
      canCommand={mayAct(props.deps.user)}
      canUnlearn={mayChangeSettings(props.deps.user)}
    />
  )
}

function ReportsPage(props: { deps: AppDeps }) {
  const store = usePageStore(
    () => createReportsStore({ api: props.deps.api, lang: () => lang.value }),
    'reports',
  )
  return <ReportsView store={store} />
}

const route = computed(() => parseRoute(location$.value.pathname))
const kiosk = computed(() => new URLSearchParams(location$.value.search).get('kiosk') === '1')

function AlarmBanner(props: { deps: AppDeps }) {
  const tr = t.value
  const ringing = props.deps.alarm.ringing.value
  if (!ringing.length) return null
  return (
    <div class="alarm-banner" role="alert" data-count={ringing.length}>
      {ringing.slice(0, 3).map((a) => (
        <div key={a.id} class="alarm-item" data-alert-id={a.id}>
          <strong>{tr(`alertType.${a.type}`)}</strong>
          <span data-field="where">
            {props.deps.alarm.sites.value.find((s) => s.id === a.siteId)?.name ?? a.siteId}
            {` · ${props.deps.devices.nameOf(a.deviceId) ?? a.deviceId}`}
            {a.port !== undefined && ` · ${tr('alerts.port', { n: a.port })}`}
          </span>
          <a {...linkTo(`/alerts/${encodeURIComponent(a.id)}`)}>{tr('alarm.open')}</a>
          {mayAct(props.deps.user) ? (
            <button
              type="button"
              class="primary"
              data-action="alarm-ack"
              onClick={() => void props.deps.alarm.acknowledge(a.id).catch(() => undefined)}
            >
              {tr('alerts.ack')}
            </button>
          ) : (
            // a viewer cannot acknowledge: it silences this screen, the alert stays active for the crew
            <button type="button" data-action="alarm-mute" onClick={() => props.deps.alarm.dismiss(a.id)}>
              {tr('alarm.mute')}
            </button>
          )}
        </div>
      ))}
      {ringing.length > 3 && <div>{tr('estate.more', { n: ringing.length - 3 })}</div>}
    </div>
  )
}

/** An alarm whose start-up load failed cannot ring: every page says so, and why, until it is armed. */
function AlarmOff(props: { deps: AppDeps }) {
  const arm = props.deps.alarm.arm
  if (arm.status.value !== 'failed') return null
  return (
    <div class="alarm-off" role="status">
      <p data-label="alarm.off">{t.value('alarm.off')}</p>
      <LoadProblem load={arm} />
    </div>
  )
}

export function App(props: AppDeps) {
  const tr = t.value
  const r = route.value
  const k = kiosk.value
  useEffect(() => {
    document.documentElement.classList.toggle('kiosk', k)
  }, [k])
  const liveState = props.live.state.value
  const accountOpen = useSignal(false)
  // a kiosk's API token is no person: it has no password to change
  const person = !k && props.user.id !== undefined
  let page: JSX.Element
  switch (r.name) {
    case 'estate':
      page = <EstatePage deps={props} />
      break
    case 'alerts':
      page = <AlertsPage deps={props} />
      break
    case 'alert':
      page = <AlertPage key={r.id} deps={props} id={r.id} />
      break
    case 'site':
      page = <SitePage key={r.id} deps={props} id={r.id} />
      break
    case 'device':
      page = <DevicePage key={r.id} deps={props} id={r.id} />
      break
    case 'reports':
      page = <ReportsPage deps={props} />
      break
    case 'not-found':
      page = (
        <main>
          <p>{tr('common.notFound')}</p>
        </main>
      )
      break
    default: {
      const never: never = r
      throw new Error(`unknown route ${JSON.stringify(never)}`)
    }
  }
  return (
    <SiteZonesContext.Provider value={props.zones}>
      <header class="top" data-alarm={props.alarm.arm.status.value}>
        <a class="brand" {...linkTo('/')} data-label="app.title">
          {tr('app.title')}
        </a>
        {!k && (
          <nav>
            <a {...linkTo('/')} class={r.name === 'estate' ? 'current' : ''} data-label="nav.estate">
              {tr('nav.estate')}
            </a>
            <a {...linkTo('/alerts')} class={r.name === 'alerts' ? 'current' : ''} data-label="nav.alerts">
              {tr('nav.alerts')}
            </a>
            <a {...linkTo('/reports')} class={r.name === 'reports' ? 'current' : ''} data-label="nav.reports">
              {tr('nav.reports')}
            </a>
          </nav>
        )}
        <span class={`live-dot live-${liveState}`} data-live={liveState} title={tr(`live.${liveState}`)}>
          {tr(`live.${liveState}`)}
        </span>
        <button
          type="button"
          class="ghost lang-switch"
          data-action="lang"
          onClick={() => setLang(lang.value === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          {lang.value === 'zh-CN' ? 'English' : '中文'}
        </button>
        {person && (
          <button
            type="button"
            class="ghost account-name"
            data-action="account"
            aria-expanded={accountOpen.value}
            title={tr('account.title')}
            onClick={() => (accountOpen.value = !accountOpen.value)}
          >
            {personName(props.user)}
          </button>
        )}
        {!k && (
          <button
            type="button"
            class={`ghost sign-out${person ? ' beside-account' : ''}`}
            onClick={props.onSignOut}
            data-label="nav.signOut"
          >
            {tr('nav.signOut')}
          </button>
        )}
      </header>
      {person && accountOpen.value && (
        <AccountView
          api={props.api}
          user={props.user}
          onClose={() => (accountOpen.value = false)}
          onSignOut={props.onSignOut}
        />
      )}
      <AlarmBanner deps={props} />
      <AlarmOff deps={props} />
      <PeopleNamesContext.Provider value={props.names}>
        <DeviceNamesContext.Provider value={props.devices}>{page}</DeviceNamesContext.Provider>
      </PeopleNamesContext.Provider>
    </SiteZonesContext.Provider>
  )
}
