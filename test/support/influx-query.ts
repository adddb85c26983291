// Direct InfluxQL queries for test assertions, through the `influx` package itself rather than through
// influx/client.ts, so that an assertion does not depend on the code under test.
import { InfluxDB } from 'influx'

export interface Series {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}

function packageClient(url: string, db: string): InfluxDB {
  const u = new URL(url)
  // a null username: otherwise the package sends root:root as Basic auth
  return new InfluxDB({
    host: u.hostname,
    port: Number(u.port),
    database: db,
    username: null as unknown as string,
  })
}

export async function influxQuery(
  url: string,
  db: string,
  q: string,
  params?: Record<string, string | number | boolean>,
): Promise<Series[]> {
  let body: { results?: { series?: Series[]; error?: string }[]; error?: string }
  try {
    body = await packageClient(url, db).queryRaw(q, {
      precision: 'ms',
      // booleans bind like strings and numbers (JSON `params`); the package's type only lists those two
      placeholders: (params ?? {}) as Record<string, string | number>,
    })
  } catch (err) {
    throw new Error(`InfluxDB query failed: ${(err as Error).message}`)
  }
  if (body.error || body.results?.[0]?.error) {
    throw new Error(`InfluxDB query failed: ${body.error ?? body.results?.[0]?.error}`)
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
