// Every dashboard query runs against the real InfluxDB holding a simulated estate and returns series:
// with every template variable at All, and with a real chained selection (community → site → device …)
// taken from the variables' own queries. Grafana's macros are substituted the way Grafana does for
// InfluxQL ($timeFilter → a time range in ms, $__interval → a GROUP BY duration; grafana-query.ts).
import { describe, expect, inject, it } from 'vitest'
import { type DashboardQuery, type RenderedDashboard, renderedDashboards } from './dashboard-queries.ts'
import { interpolate as grafanaInterpolate, type QueryRange, type Selection } from './grafana-query.ts'
import { estateDatabase, lastLocalDays } from './seed-estate.ts'

const { fromMs: FROM, toMs: TO } = lastLocalDays(2)

const estate = estateDatabase(inject('influxUrl'), 'dashboards', FROM, TO)

const RANGE: QueryRange = { fromMs: FROM, toMs: TO, interval: '10m' }

/** The query as Grafana sends it for this selection. */
const interpolate = (q: string, d: RenderedDashboard, sel: Selection): string =>
  grafanaInterpolate(q, d.variables, sel, RANGE)

const run = estate.run

/** Values a variable offers once the variables before it are chosen (the `value` column of SHOW TAG VALUES). */
async function optionsOf(d: RenderedDashboard, index: number, sel: Selection): Promise<string[]> {
  const series = await run(interpolate(d.variables[index]!.query, d, sel))
  return series.flatMap((s) => s.values.map((v) => String(v[s.columns.indexOf('value')])))
}

/** A selection of real values, chosen variable by variable in order, under which `q` returns series. */
async function findSelection(d: RenderedDashboard, q: DashboardQuery): Promise<Selection | undefined> {
  const walk = async (index: number, sel: Selection): Promise<Selection | undefined> => {
    if (index === d.variables.length)
      return (await run(interpolate(q.query, d, sel))).length > 0 ? sel : undefined
    for (const value of await optionsOf(d, index, sel)) {
      const found = await walk(index + 1, { ...sel, [d.variables[index]!.name]: value })
      if (found) return found
    }
    return undefined
  }
  return walk(0, {})
}

const dashboards = renderedDashboards()
const cases = dashboards.flatMap((d) => d.queries.map((q) => [`${q.dashboard}: ${q.where}`, d, q] as const))

describe('dashboard queries on a simulated estate', () => {
  it('the estate was written through decodeMessage, encodePoints and the annotation writer', () => {
    expect(estate.seeded().lines).toBeGreaterThan(10_000)
    expect(estate.seeded().alertChanges).toBeGreaterThan(0)
  })

  it.each(cases)('%s returns series with every variable at All', async (_, d, q) => {
    const series = await run(interpolate(q.query, d, {}))
    expect(series.length, interpolate(q.query, d, {})).toBeGreaterThan(0)
    expect(series.some((s) => s.values.length > 0)).toBe(true)
  })

  it.each(cases.filter(([, , q]) => q.kind !== 'variable'))(
    '%s returns series for a real chained selection',
    async (_, d, q) => {
      const sel = await findSelection(d, q)
      expect(sel, `no selection of real variable values gives series for ${q.query}`).toBeDefined()
      // a real selection, not All: every variable the query names is set to one value
      for (const v of d.variables)
        if (q.query.includes(`$${v.name}`)) expect(typeof sel?.[v.name]).toBe('string')
    },
  )

  it('chained variables narrow: a community lists only its own sites, a site only its own devices', async () => {
    const charging = dashboards.find((d) => d.name === 'charging-overview')!
    const names = charging.variables.map((v) => v.name)
    expect(names).toEqual(['community', 'site', 'device'])
    expect(await optionsOf(charging, 0, {})).toEqual(['garden', 'lakeside'])
    expect(await optionsOf(charging, 1, { community: 'lakeside' })).toEqual(['shed-l'])
    expect(await optionsOf(charging, 1, { community: 'garden' })).toEqual(['shed-a'])
    expect(await optionsOf(charging, 2, { community: 'garden', site: 'shed-a' })).toEqual(['pile-g1'])
    expect(await optionsOf(charging, 2, { community: 'garden', site: 'shed-l' })).toEqual([])
  })
})
