// Which sites a report covers: the caller's tenant (an admin spanning every tenant: all of them), narrowed
// by `siteId` or `communityId`, each with the local time its days are counted in.
import { CourtyardError } from '../../domain/errors.ts'
import type { Registry, Site } from '../../registry/index.ts'

export interface ReportSite extends Site {
  /** minutes east of UTC: the site's alert settings (Asia/Shanghai, 480, unless overridden) */
  utcOffsetMin: number
}

const PAGE = 1000

export function reportSites(deps: {
  registry: Registry
  tenantId: string | null
  filter: { siteId?: string; communityId?: string }
  utcOffsetOf(siteId: string): number
}): ReportSite[] {
  const { registry, tenantId, filter } = deps
  let sites: Site[]
  if (filter.siteId !== undefined) {
    const s = registry.getSite(filter.siteId, { tenantId })
    // another tenant's site is as unknown as a missing one
    if (!s) throw new CourtyardError('NOT_FOUND', `site ${filter.siteId} does not exist`)
    sites = [s]
  } else {
    sites = []
    for (let afterId = ''; ; ) {
      const page = registry.listSites({ tenantId, limit: PAGE, afterId })
      sites.push(...page)
      if (page.length < PAGE) break
      afterId = page[page.length - 1]!.id
    }
  }
  if (filter.communityId !== undefined) sites = sites.filter((s) => s.communityId === filter.communityId)
  return sites.map((s) => ({ ...s, utcOffsetMin: deps.utcOffsetOf(s.id) }))
}

/** Sites that share a local time share one query: usually every site of a tenant is in one group. */
export function byOffset<S extends { utcOffsetMin: number }>(sites: readonly S[]): Map<number, S[]> {
  const out = new Map<number, S[]>()
  for (const s of sites) {
    const group = out.get(s.utcOffsetMin)
    if (group) group.push(s)
    else out.set(s.utcOffsetMin, [s])
  }
  return out
}
