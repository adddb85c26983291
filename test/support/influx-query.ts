// Direct InfluxQL queries for test assertions (independent of the code under test).
export interface Series {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}

export async function influxQuery(
  url: string,
  db: string,
  q: string,
  params?: Record<string, string | number | boolean>,
): Promise<Series[]> {
  const qs = new URLSearchParams({ db, q, epoch: 'ms' })
  if (params) qs.set('params', JSON.stringify(params))
  const res = await fetch(`${url}/query?${qs}`)
  const body = (await res.json()) as { results?: { series?: Series[]; error?: string }[]; error?: string }
  if (!res.ok || body.error || body.results?.[0]?.error) {
    throw new Error(`InfluxDB query failed (${res.status}): ${body.error ?? body.results?.[0]?.error}`)
  }
  return body.results?.[0]?.series ?? []
}

/** Rows of the first series as objects keyed by column. */
export function rows(series: Series[]): Record<string, unknown>[] {
  return series.flatMap((s) =>
    s.values.map((v) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) })),
  )
}

/** Seqs stored per device for a measurement: Map<device, seq[]> (duplicates kept, to detect them). */
export async function storedSeqs(
  url: string,
  db: string,
  measurement: string,
): Promise<Map<string, number[]>> {
  const series = await influxQuery(url, db, `SELECT "seq" FROM "${measurement}" GROUP BY "device"`)
  const out = new Map<string, number[]>()
  for (const s of series) {
    const dev = s.tags?.device ?? ''
    out.set(
      dev,
      s.values.map((v) => Number(v[1])),
    )
  }
  return out
}
