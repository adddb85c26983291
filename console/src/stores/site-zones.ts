// Each site's local time (its effective alert settings' `utcOffsetMin`), for every page that tells a time
// of a site: asked once per site and shell, on first need, and the service's default (UTC+8, which every
// site without an override keeps) until it answers. One store per shell, handed to pages by context
// (parts/site-zone.ts), so the alert list, an alert's page and a device's page all tell one clock.
import { signal } from '@preact/signals'
import type { Api } from '../api.ts'
import { DEFAULT_UTC_OFFSET_MIN } from './site-settings.ts'

export interface SiteZones {
  /** minutes east of UTC at the site; reading it in a render re-renders when the site's answer comes */
  offsetOf(siteId: string | undefined): number
}

export function createSiteZones(deps: { api: Pick<Api, 'get'> }): SiteZones {
  const known = signal<ReadonlyMap<string, number>>(new Map())
  /** asked once: a site whose settings could not be read keeps the default rather than asking at every render */
  const asked = new Set<string>()
  const ask = (siteId: string) => {
    asked.add(siteId)
    deps.api
      .get<{ effective: { utcOffsetMin?: unknown } }>(`/sites/${encodeURIComponent(siteId)}/alert-settings`)
      .then(
        (r) => {
          const o = r.effective.utcOffsetMin
          if (typeof o === 'number' && o !== DEFAULT_UTC_OFFSET_MIN)
            known.value = new Map(known.value).set(siteId, o)
        },
        () => undefined,
      )
  }
  return {
    offsetOf(siteId) {
      const o = siteId === undefined ? undefined : known.value.get(siteId)
      if (o !== undefined) return o
      if (siteId !== undefined && !asked.has(siteId)) ask(siteId)
      return DEFAULT_UTC_OFFSET_MIN
    },
  }
}

/** Every site at the service's default: outside a shell (a page rendered on its own). */
export const defaultZones: SiteZones = { offsetOf: () => DEFAULT_UTC_OFFSET_MIN }
