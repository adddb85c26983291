// A display location: each outdoor screen's state (playing, black, frozen, off), brightness, cabinet
// temperature and hardware health (fan, modules, supply rail, door, smoke); a screen in trouble stands out.
import type { ComponentChildren } from 'preact'
import { fmt } from '../format.ts'
import { t } from '../i18n/index.ts'
import { CardAlerts, SiteHead, SiteLoading } from '../parts/site-head.tsx'
import { useSiteOffset } from '../parts/site-zone.ts'
import { linkTo } from '../router.ts'
import type { DisplaysStore, DisplayView } from '../stores/displays-store.ts'
import type { SiteSettings } from '../stores/site-settings.ts'
import './site-views.css'

function Fact(props: { label: string; field: string; bad?: boolean; children: ComponentChildren }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd data-field={props.field} class={props.bad ? 'out-text' : ''}>
        {props.children}
      </dd>
    </>
  )
}

function DisplayCard(props: { d: DisplayView; settings?: SiteSettings }) {
  const tr = t.value
  const f = fmt.value
  const { d } = props
  const zone = useSiteOffset(d.device.siteId)
  const r = d.reading
  // a screen switched off on purpose shows "off", not the last picture it had
  const screen = r?.powerOn === false ? 'off' : r?.screen
  const temp = r?.cabinetTempC
  const hot =
    temp === undefined || !props.settings
      ? ''
      : temp >= props.settings.displayOverheatCriticalC
        ? 'critical'
        : temp >= props.settings.displayOverheatMajorC
          ? 'hot'
          : ''
  const trouble = d.problems.length > 0 || d.alerts.length > 0
  return (
    <li
      class={`display-card ${trouble ? 'trouble' : ''} ${d.alerts.length ? `sev-${d.alerts[0]!.severity}` : ''}`}
      data-device-id={d.device.id}
      data-screen={screen ?? ''}
      data-problems={d.problems.join(' ')}
    >
      <div class="card-head">
        <a class="card-name" {...linkTo(`/devices/${encodeURIComponent(d.device.id)}`)}>
          {d.device.name ?? d.device.id}
        </a>
        <span class={d.device.online ? 'ok-text' : 'warn-text'}>
          {d.device.online ? tr('device.online') : tr('device.offline')}
        </span>
      </div>
      {r ? (
        <>
          <div class="display-state">
            <span class={`screen-dot screen-${screen ?? 'unknown'}`} aria-hidden="true" />
            <span data-label="displays.screen">{tr('displays.screen')}</span>
            <strong data-field="screen">{screen ? tr(`screen.${screen}`) : '—'}</strong>
          </div>
          <div class="brightness">
            <span data-label="displays.brightness">{tr('displays.brightness')}</span>
            <span class="meter" aria-hidden="true">
              <span style={{ width: `${Math.min(100, Math.max(0, r.brightnessPct ?? 0))}%` }} />
            </span>
            <strong data-field="brightnessPct">
              {r.brightnessPct === undefined ? '—' : f.percent(r.brightnessPct)}
            </strong>
          </div>
          <dl class="facts display-facts">
            <Fact label={tr('displays.cabinetTemp')} field="cabinetTempC" bad={hot !== ''}>
              {temp === undefined ? '—' : f.celsius(temp)}
            </Fact>
            {r.humidityPct !== undefined && (
              <Fact label={tr('displays.cabinetHumidity')} field="humidityPct">
                {f.percent(r.humidityPct)}
              </Fact>
            )}
            {r.powerOn !== undefined && (
              <Fact label={tr('displays.power')} field="powerOn">
                {r.powerOn ? tr('command.on') : tr('command.off')}
              </Fact>
            )}
            {r.fanOk !== undefined && (
              <Fact label={tr('displays.fan')} field="fanOk" bad={!r.fanOk}>
                {r.fanOk ? tr('displays.ok') : tr('displays.failed')}
              </Fact>
            )}
            {r.failedModules !== undefined && (
              <Fact label={tr('displays.modules')} field="failedModules" bad={r.failedModules > 0}>
                {f.num(r.failedModules)}
              </Fact>
            )}
            {r.supplyVoltageV !== undefined && (
              <Fact label={tr('displays.supply')} field="supplyVoltageV" bad={d.problems.includes('supply')}>
                {f.num(r.supplyVoltageV, 2)} V
              </Fact>
            )}
            {r.doorOpen !== undefined && (
              <Fact label={tr('displays.door')} field="doorOpen" bad={r.doorOpen}>
                {r.doorOpen ? tr('displays.open') : tr('displays.closed')}
              </Fact>
            )}
            {r.contentId !== undefined && (
              <Fact label={tr('displays.content')} field="contentId">
                {r.contentId}
              </Fact>
            )}
          </dl>
          <div class="display-health" data-label="displays.health">
            {d.problems.length === 0 ? (
              <span class="ok-text">{tr('displays.healthy')}</span>
            ) : (
              d.problems.map((p) => (
                <span key={p} class="problem" data-problem={p}>
                  {tr(`problem.${p}`)}
                </span>
              ))
            )}
          </div>
          <div class="muted card-time">{f.dateTime(r.ts, zone)}</div>
        </>
      ) : (
        <p class="muted">{tr('site.noReading')}</p>
      )}
      <CardAlerts alerts={d.alerts} />
    </li>
  )
}

export function DisplaysView(props: { store: DisplaysStore }) {
  const tr = t.value
  const s = props.store
  const site = s.site.value
  if (!site) return <SiteLoading error={s.error.value} />
  const displays = s.displays.value
  return (
    <main class="site-view displays-view">
      <SiteHead site={site} alerts={s.alerts.value} />
      <h2 data-label="displays.title">{tr('displays.title')}</h2>
      {displays.length === 0 && <p class="empty">{tr('displays.none')}</p>}
      <ul class="card-grid">
        {displays.map((d) => (
          <DisplayCard key={d.device.id} d={d} settings={s.settings.value} />
        ))}
      </ul>
    </main>
  )
}
