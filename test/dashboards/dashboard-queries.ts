// Every InfluxQL text the dashboards send: panel targets, template-variable queries and annotation
// queries, taken from the dashboard models the build renders (not from the committed JSON, so a change in
// the code is tested before it is rebuilt).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { DASHBOARDS, DEFAULT_BUILD_OPTIONS, dashboardModel } from '../../dashboards/index.ts'

export interface DashboardQuery {
  dashboard: string
  /** where it sits, for failure messages: `panel "Port temperatures" A`, `variable site`, `annotation …` */
  where: string
  kind: 'panel' | 'variable' | 'annotation'
  query: string
}

export interface DashboardVariable {
  name: string
  query: string
  allValue?: string
}

export interface RenderedDashboard {
  name: string
  model: dashboard.Dashboard
  variables: DashboardVariable[]
  queries: DashboardQuery[]
}

const queryOf = (target: unknown): string | undefined => {
  const q = (target as { query?: unknown } | undefined)?.query
  return typeof q === 'string' ? q : undefined
}

export function renderedDashboards(): RenderedDashboard[] {
  return Object.entries(DASHBOARDS).map(([name, fn]) => {
    const model = dashboardModel(fn(DEFAULT_BUILD_OPTIONS.config))
    const variables: DashboardVariable[] = []
    const queries: DashboardQuery[] = []
    for (const v of model.templating?.list ?? []) {
      if (v.type !== 'query' || typeof v.query !== 'string') continue
      variables.push({
        name: v.name,
        query: v.query,
        ...(v.allValue === undefined ? {} : { allValue: v.allValue }),
      })
      queries.push({ dashboard: name, where: `variable ${v.name}`, kind: 'variable', query: v.query })
    }
    for (const a of model.annotations?.list ?? []) {
      const q = queryOf(a.target)
      if (q !== undefined)
        queries.push({ dashboard: name, where: `annotation ${a.name}`, kind: 'annotation', query: q })
    }
    for (const p of model.panels ?? []) {
      if (p.type === 'row') continue
      const panel = p as dashboard.Panel
      for (const t of panel.targets ?? []) {
        const q = queryOf(t)
        const refId = (t as { refId?: string }).refId ?? '?'
        if (q !== undefined)
          queries.push({ dashboard: name, where: `panel "${panel.title}" ${refId}`, kind: 'panel', query: q })
      }
    }
    return { name, model, variables, queries }
  })
}

/** A panel of one of the rendered dashboards, by the start of its title. */
export function findPanel(
  dashboards: readonly RenderedDashboard[],
  name: string,
  title: RegExp,
): { d: RenderedDashboard; p: dashboard.Panel } {
  const d = dashboards.find((x) => x.name === name)
  const p = (d?.model.panels ?? []).find(
    (x): x is dashboard.Panel => x.type !== 'row' && title.test(x.title ?? ''),
  )
  if (!d || !p) throw new Error(`no panel ${title} in ${name}`)
  return { d, p }
}

/** The InfluxQL of a panel's `i`th target, before Grafana substitutes anything. */
export function targetQuery(p: dashboard.Panel, i = 0): string {
  const q = queryOf(p.targets?.[i])
  if (q === undefined) throw new Error(`panel ${p.title} has no query ${i}`)
  return q
}
