// A building's corridor and stairwell circuits: each circuit's power, power factor and current THD live
// over the last hours, with a mark on the charts at the moment each stray-wire alert was raised (a
// charger's step shows as a jump in power with PF falling and THD rising, right where the mark is).
import { fmt } from '../format.ts'
import { lang, t } from '../i18n/index.ts'
import { alertTypeName } from '../parts/alert-words.ts'
import { CardAlerts, SiteHead, SiteLoading } from '../parts/site-head.tsx'
import { useSiteOffset } from '../parts/site-zone.ts'
import { type ChartMarker, TimeChart } from '../parts/time-chart.tsx'
import { linkTo } from '../router.ts'
import type { CircuitsStore, CircuitView } from '../stores/circuits-store.ts'
import './site-views.css'

const POWER_COLOR = '#4f8cff'
const THD_COLOR = '#ff8a3d'
const PF_COLOR = '#35c28b'

function Circuit(props: { c: CircuitView; version: number }) {
  const tr = t.value
  const f = fmt.value
  const { c } = props
  const zone = useSiteOffset(c.device.siteId)
  const r = c.reading
  const cols = c.series.columns
  const markers: ChartMarker[] = c.strayWire.map((a) => ({
    id: a.id,
    ts: a.raisedAt,
    label: `${alertTypeName(a.type, { tr, f })} · ${tr(`severity.${a.severity}`)} · ${tr(`state.${a.state}`)}`,
    href: `/alerts/${encodeURIComponent(a.id)}`,
    tone: `sev-${a.severity}`,
  }))
  const pct = (v: number) => f.percent(v)
  const pf = (v: number) => f.num(v, 2)
  return (
    <section
      class={`circuit ${c.alerts.length ? `sev-${c.alerts[0]!.severity}` : ''}`}
      data-device-id={c.device.id}
      data-stray-wire={c.strayWire.length}
    >
      <h2>
        <a {...linkTo(`/devices/${encodeURIComponent(c.device.id)}`)}>{c.name}</a>{' '}
        <span class={c.device.online ? 'ok-text' : 'warn-text'}>
          {c.device.online ? tr('device.online') : tr('device.offline')}
        </span>
      </h2>
      {r ? (
        <div class="figures">
          <span>
            <span data-label="circuits.power">{tr('circuits.power')}</span>:{' '}
            <strong data-field="powerW">{f.watts(r.powerW)}</strong>
          </span>
          <span>
            <span data-label="circuits.pf">{tr('circuits.pf')}</span>:{' '}
            <strong data-field="powerFactor">{r.powerFactor === undefined ? '—' : pf(r.powerFactor)}</strong>
          </span>
          <span>
            <span data-label="circuits.thd">{tr('circuits.thd')}</span>:{' '}
            <strong data-field="currentThdPct">
              {r.currentThdPct === undefined ? '—' : pct(r.currentThdPct)}
            </strong>
          </span>
          {r.voltageV !== undefined && (
            <span>
              {tr('circuits.voltage')}: <strong data-field="voltageV">{f.num(r.voltageV, 1)} V</strong>
            </span>
          )}
          {r.currentA !== undefined && (
            <span>
              {tr('circuits.current')}: <strong data-field="currentA">{f.num(r.currentA, 2)} A</strong>
            </span>
          )}
          {r.energyKWh !== undefined && (
            <span>
              {tr('circuits.energy')}: <strong data-field="energyKWh">{f.kwh(r.energyKWh)}</strong>
            </span>
          )}
          <span class="muted">{f.dateTime(r.ts, zone)}</span>
        </div>
      ) : (
        <p class="muted">{tr('site.noReading')}</p>
      )}
      <CardAlerts alerts={c.alerts} />
      {cols[0]!.length > 0 && (
        <div class="circuit-charts">
          <TimeChart
            columns={[cols[0]!, cols[1]!]}
            series={[{ label: tr('circuits.power'), color: POWER_COLOR }]}
            version={props.version}
            height={200}
            locale={lang.value}
            utcOffsetMin={zone}
            timeLabel={tr('chart.time')}
            formatValue={(v) => f.watts(v)}
            markers={markers}
          />
          <TimeChart
            columns={[cols[0]!, cols[3]!, cols[2]!]}
            series={[
              { label: tr('circuits.thd'), color: THD_COLOR },
              { label: tr('circuits.pf'), color: PF_COLOR, right: true },
            ]}
            version={props.version}
            height={160}
            locale={lang.value}
            utcOffsetMin={zone}
            timeLabel={tr('chart.time')}
            formatValue={pct}
            axis2={{ format: pf, range: [0, 1] }}
            markers={markers}
          />
        </div>
      )}
    </section>
  )
}

export function CircuitsView(props: { store: CircuitsStore }) {
  const tr = t.value
  const s = props.store
  const site = s.site.value
  if (!site) return <SiteLoading error={s.error.value} />
  const circuits = s.circuits.value
  const stray = circuits.reduce((n, c) => n + c.strayWire.length, 0)
  const version = s.tick.value
  return (
    <main class="site-view circuits-view">
      <SiteHead site={site} alerts={s.alerts.value}>
        <p class="band-note">
          <strong data-label="circuits.title">{tr('circuits.title')}</strong>
          <span data-stray-count={stray}>{tr('circuits.strayCount', { n: stray })}</span>
          <span class="muted" data-label="circuits.markerHint">
            {tr('circuits.markerHint')}
          </span>
        </p>
      </SiteHead>
      {circuits.length === 0 && <p class="empty">{tr('circuits.none')}</p>}
      {circuits.map((c) => (
        <Circuit key={c.device.id} c={c} version={version} />
      ))}
    </main>
  )
}
