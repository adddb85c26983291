// The reports page's store: a range of local dates and the four reports over it (GET /reports/*), each
// with its rows, loading and error state and the address of its CSV download. Reports are history, not
// live: they load when the page opens and when the range changes.
import { signal } from '@preact/signals'
import { type Api, explain } from '../api.ts'
import type { AlertType, SiteKind } from '../types.ts'

export const REPORTS = ['energy', 'sessions', 'alerts', 'stray-wire'] as const
export type ReportName = (typeof REPORTS)[number]

interface SiteCols {
  siteId: string
  siteName: string
  community: string
}
export interface ReportRows {
  energy: (SiteCols & {
    date: string
    meteredKWh: number | null
    /** piles whose feeder meter went backwards that day */
    meterResets: string[]
    chargedKWh: number
    sessions: number
  })[]
  sessions: (SiteCols & {
    deviceId: string
    port: number
    started: number
    ended: number
    chargedKWh: number
  })[]
  alerts: { communityId: string; community: string; type: AlertType; raised: number; open: number }[]
  'stray-wire': (SiteCols & { month: string; siteKind: SiteKind; incidents: number; open: number })[]
}

export interface ReportState<N extends ReportName> {
  rows: ReportRows[N]
  loading: boolean
  error?: string
}

export interface DateRange {
  /** YYYY-MM-DD, both included */
  from: string
  to: string
}

const DAY_MS = 86_400_000

/** `YYYY-MM-DD` of the browser's local date, `daysBack` days ago. */
export function localDate(daysBack = 0, nowMs = Date.now()): string {
  const d = new Date(nowMs - daysBack * DAY_MS)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** The last `days` days including today. */
export const lastDays = (days: number): DateRange => ({ from: localDate(days - 1), to: localDate(0) })

const empty = <N extends ReportName>(): ReportState<N> => ({ rows: [] as ReportRows[N], loading: true })

export function createReportsStore(deps: { api: Api; lang: () => string; initial?: DateRange }) {
  const range = signal<DateRange>(deps.initial ?? lastDays(7))
  const reports = {
    energy: signal(empty<'energy'>()),
    sessions: signal(empty<'sessions'>()),
    alerts: signal(empty<'alerts'>()),
    'stray-wire': signal(empty<'stray-wire'>()),
  }
  let generation = 0

  const query = (r: DateRange) => ({ from: r.from, to: r.to })

  async function loadOne<N extends ReportName>(name: N, r: DateRange, gen: number) {
    const s = reports[name] as unknown as { value: ReportState<N> }
    s.value = { ...s.value, loading: true }
    try {
      const res = await deps.api.get<{ rows: ReportRows[N] }>(`/reports/${name}`, query(r))
      if (gen === generation) s.value = { rows: res.rows, loading: false }
    } catch (err) {
      if (gen === generation) s.value = { rows: [] as ReportRows[N], loading: false, error: explain(err) }
    }
  }

  const load = async () => {
    const gen = ++generation
    const r = range.value
    await Promise.all(REPORTS.map((name) => loadOne(name, r, gen)))
  }

  /** The CSV's address: the session cookie goes with a plain link, and the server names the file. */
  const csvHref = (name: ReportName): string => {
    const q = new URLSearchParams({ ...query(range.value), format: 'csv', lang: deps.lang() })
    return `/api/v1/reports/${name}?${q}`
  }

  return {
    range,
    reports,
    csvHref,
    /**
     * A console signed in with an API token (an integrator's screen) has no cookie for the plain link to
     * carry: it fetches the CSV with the token and saves it under the server's file name.
     */
    usesToken: Boolean(deps.api.token),
    async downloadWithToken(name: ReportName): Promise<void> {
      const res = await fetch(csvHref(name), { headers: { authorization: `Bearer ${deps.api.token}` } })
      const blob = await res.blob()
      const file =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `${name}.csv`
      const a = document.createElement('a')
      a.href = URL.createObjectURL(blob)
      a.download = file
      a.click()
      // the save dialog reads the object URL after click() returns
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
    },
    setRange(r: DateRange) {
      range.value = r
      void load()
    },
    start: load,
    dispose() {
      // a reply that comes after the page closed is dropped
      generation++
    },
  }
}

export type ReportsStore = ReturnType<typeof createReportsStore>
