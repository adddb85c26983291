// A charging shed: every port live, the shed's open alerts, and per pile the feeder power against the
// sum of its ports with the unmetered residual (where stray-wire charging shows up).
import { fmt } from '../format.ts'
import { lang, t } from '../i18n/index.ts'
import { AlertRow } from '../parts/alert-row.tsx'
import { now } from '../parts/now.ts'
import { PortTile } from '../parts/port-tile.tsx'
import { useSiteZones } from '../parts/site-zone.ts'
import { TimeChart } from '../parts/time-chart.tsx'
import { linkTo } from '../router.ts'
import type { ShedStore } from '../stores/shed-store.ts'

export function ShedView(props: { store: ShedStore }) {
  const tr = t.value
  const f = fmt.value
  const s = props.store
  const zones = useSiteZones()
  const site = s.site.value
  const portAlerts = s.portAlerts.value
  if (!site)
    return (
      <main>
        {s.error.value ? <p class="error">{s.error.value}</p> : <p class="muted">{tr('common.loading')}</p>}
      </main>
    )
  const zone = zones.offsetOf(site.id)
  const series = [
    { label: tr('shed.feeder'), color: '#4f8cff' },
    { label: tr('shed.portsSum'), color: '#35c28b' },
    { label: tr('shed.residual'), color: '#ff8a3d', dash: [6, 4] },
  ]
  return (
    <main class="shed-view">
      <h1>{site.name}</h1>
      <p class="muted">
        {site.community} · {tr(`siteKind.${site.kind}`)}
      </p>
      {s.alerts.value.length > 0 && (
        <section>
          <h2 data-label="shed.openAlerts">{tr('shed.openAlerts')}</h2>
          <ul class="alert-list">
            {s.alerts.value.map((a) => (
              <AlertRow key={a.id} alert={a} site={site} now={now.value} />
            ))}
          </ul>
        </section>
      )}
      {s.piles.value.map((p) => {
        const r = p.reading
        const portsW = r ? (r.ports ?? []).reduce((n, x) => n + (x.powerW ?? 0), 0) : 0
        const feederW = r?.feeder?.powerW
        return (
          <section key={p.device.id} class="pile" data-device-id={p.device.id}>
            <h2>
              <a {...linkTo(`/devices/${encodeURIComponent(p.device.id)}`)}>{p.device.name ?? p.device.id}</a>{' '}
              <span class={p.device.online ? 'ok-text' : 'warn-text'}>
                {p.device.online ? tr('device.online') : tr('device.offline')}
              </span>
            </h2>
            {r ? (
              <>
                <div class="figures">
                  <span>
                    {tr('shed.feeder')}: <strong data-field="feeder.powerW">{f.watts(feederW)}</strong>
                  </span>
                  <span>
                    {tr('shed.portsSum')}: <strong>{f.watts(portsW)}</strong>
                  </span>
                  <span>
                    {tr('shed.residual')}:{' '}
                    <strong data-field="residual">
                      {f.watts(feederW === undefined ? undefined : feederW - portsW)}
                    </strong>
                  </span>
                  {r.feeder?.leakageMA !== undefined && (
                    <span>
                      {tr('shed.leakage')}: <strong>{f.num(r.feeder.leakageMA, 1)} mA</strong>
                    </span>
                  )}
                  <span class="muted">{f.dateTime(r.ts, zone)}</span>
                </div>
                <ul class="port-grid">
                  {(r.ports ?? []).map((port) => (
                    <PortTile
                      key={port.port}
                      port={port}
                      alert={portAlerts.get(`${p.device.id}:${port.port}`)}
                    />
                  ))}
                </ul>
                <TimeChart
                  columns={p.series.columns}
                  series={series}
                  version={s.tick.value}
                  locale={lang.value}
                  utcOffsetMin={zone}
                  timeLabel={tr('chart.time')}
                  formatValue={(v) => f.watts(v)}
                />
              </>
            ) : (
              <p class="muted">{tr('shed.noReading')}</p>
            )}
          </section>
        )
      })}
      {s.others.value.length > 0 && (
        <section>
          <h2 data-label="shed.otherDevices">{tr('shed.otherDevices')}</h2>
          <ul class="plain">
            {s.others.value.map((d) => (
              <li key={d.id}>
                <a {...linkTo(`/devices/${encodeURIComponent(d.id)}`)}>{d.name ?? d.id}</a> ·{' '}
                {d.online ? tr('device.online') : tr('device.offline')}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  )
}
