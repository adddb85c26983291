// A day-care centre: every room's temperature, humidity, CO2, PM2.5 and occupancy against the band of
// the season at the site (winter: heated rooms at 20 °C are normal), a room outside its band standing
// out. Emergency calls and falls ring the app-wide alarm banner above this page as on every page.
import { fmt } from '../format.ts'
import { t } from '../i18n/index.ts'
import { BandGauge } from '../parts/band-gauge.tsx'
import type { RoomBands, RoomMetric } from '../parts/room-bands.ts'
import { CardAlerts, SiteHead, SiteLoading } from '../parts/site-head.tsx'
import { useSiteOffset } from '../parts/site-zone.ts'
import { linkTo } from '../router.ts'
import type { DaycareStore, RoomView } from '../stores/daycare-store.ts'
import './site-views.css'

/** Each gauge's bar extent: a comfortable room sits mid-bar */
const SCALES: Record<RoomMetric, [number, number]> = {
  tempC: [10, 35],
  humidityPct: [0, 100],
  co2Ppm: [400, 2000],
  pm25Ugm3: [0, 150],
}
const LABELS = {
  tempC: 'daycare.temp',
  humidityPct: 'daycare.humidity',
  co2Ppm: 'daycare.co2',
  pm25Ugm3: 'daycare.pm25',
} as const

function formatter(m: RoomMetric): (v: number) => string {
  const f = fmt.value
  switch (m) {
    case 'tempC':
      return f.celsius
    case 'humidityPct':
      return f.percent
    case 'co2Ppm':
      return (v) => `${f.num(v)} ppm`
    case 'pm25Ugm3':
      return (v) => `${f.num(v)} µg/m³`
    default: {
      const never: never = m
      throw new Error(`unknown metric ${String(never)}`)
    }
  }
}

function BandNote(props: { bands: RoomBands }) {
  const tr = t.value
  const b = props.bands.bands
  const range = (m: RoomMetric) => {
    const f = formatter(m)
    const x = b[m]
    return x.min !== undefined ? `${f(x.min)} – ${f(x.max!)}` : `≤ ${f(x.max!)}`
  }
  return (
    <p class="band-note" data-season={props.bands.season}>
      <strong data-label="daycare.season">{tr(`daycare.season.${props.bands.season}`)}</strong>
      {(['tempC', 'humidityPct', 'co2Ppm', 'pm25Ugm3'] as const).map((m) => (
        <span key={m}>
          {tr(LABELS[m])} {range(m)}
        </span>
      ))}
      <span class="muted" data-label="daycare.bandSource">
        {tr('daycare.bandSource')}
      </span>
    </p>
  )
}

function RoomCard(props: { room: RoomView }) {
  const tr = t.value
  const f = fmt.value
  const { room } = props
  const zone = useSiteOffset(room.device.siteId)
  const r = room.reading
  const verdictText = { low: tr('band.low'), high: tr('band.high') }
  return (
    <li
      class={`room-card ${room.out ? 'out' : ''} ${room.alerts.length ? `sev-${room.alerts[0]!.severity}` : ''}`}
      data-device-id={room.device.id}
      data-out={String(room.out)}
    >
      <div class="card-head">
        <a class="card-name" {...linkTo(`/devices/${encodeURIComponent(room.device.id)}`)}>
          {room.name}
        </a>
        <span class={room.device.online ? 'ok-text' : 'warn-text'}>
          {room.device.online ? tr('device.online') : tr('device.offline')}
        </span>
      </div>
      {r ? (
        <>
          <div class="card-status">
            {room.bands &&
              (room.out ? (
                <strong class="out-text" data-label="daycare.outOfBand">
                  {tr('daycare.outOfBand')}
                </strong>
              ) : (
                <span class="ok-text" data-label="daycare.inBand">
                  {tr('daycare.inBand')}
                </span>
              ))}
            {r.occupancy !== undefined && (
              <span>
                <span data-label="daycare.occupancy">{tr('daycare.occupancy')}</span>{' '}
                <strong data-field="occupancy">{tr('daycare.people', { n: f.num(r.occupancy) })}</strong>
              </span>
            )}
          </div>
          <div class="gauges">
            {(['tempC', 'humidityPct', 'co2Ppm', 'pm25Ugm3'] as const).map((m) => (
              <BandGauge
                key={m}
                field={m}
                label={tr(LABELS[m])}
                value={r[m]}
                band={room.bands?.bands[m]}
                verdict={room.verdicts?.[m] ?? 'unknown'}
                scale={SCALES[m]}
                format={formatter(m)}
                verdictText={verdictText}
              />
            ))}
          </div>
          <div class="muted card-time">{f.dateTime(r.ts, zone)}</div>
        </>
      ) : (
        <p class="muted">{tr('site.noReading')}</p>
      )}
      <CardAlerts alerts={room.alerts} />
    </li>
  )
}

export function DaycareView(props: { store: DaycareStore }) {
  const tr = t.value
  const s = props.store
  const site = s.site.value
  if (!site) return <SiteLoading error={s.error.value} />
  const rooms = s.rooms.value
  const season = s.season.value
  const judged = rooms.filter((r) => r.bands)
  const out = judged.filter((r) => r.out).length
  return (
    <main class="site-view daycare-view">
      <SiteHead site={site} alerts={s.alerts.value}>
        {season ? <BandNote bands={season.bands} /> : <p class="muted">{tr('daycare.noBand')}</p>}
      </SiteHead>
      <h2>
        <span data-label="daycare.rooms">{tr('daycare.rooms')}</span>{' '}
        {judged.length > 0 && (
          <span class={`summary ${out ? 'out-text' : 'ok-text'}`} data-out-rooms={out}>
            {out ? tr('daycare.summary', { out, total: judged.length }) : tr('daycare.allInBand')}
          </span>
        )}
      </h2>
      {rooms.length === 0 && <p class="empty">{tr('daycare.none')}</p>}
      <ul class="card-grid">
        {rooms.map((r) => (
          <RoomCard key={r.device.id} room={r} />
        ))}
      </ul>
    </main>
  )
}
