// Each site's local time (its effective alert settings' `utcOffsetMin`), for every page that tells a time
// of a site: asked once per site and shell, on first need, and the service's default (UTC+8, which every
// site without an override keeps) until it answers. One store per shell, handed to pages by context
// (parts/site-zone.ts), so the alert list, an alert's page and a device's page all tell one clock.
import { signal } from '@preact/signals'
import { DEFAULT_UTC_OFFSET_MIN } from './site-settings.ts'

export interface SiteZones {
  /** minutes east of UTC at the site; reading it in a render re-renders when the site's answer comes */
  offsetOf(siteId: string | undefined): number
}

/** A site whose settings could not be read (a blip, a restart, a paused session) is asked again after this. */
const RETRY_MS = 60_000

export function createSiteZones(deps: {
  api: { get<T>(path: string): Promise<T> }
  now?: () => number
}): SiteZones {
  const now = deps.now ?? Date.now
  const known = signal<ReadonlyMap<string, number>>(new Map())
  /**
   * When each site may be asked (again): once it answered, never; after a failure, RETRY_MS later, so a
   * page does not ask at every render nor keep a wrong clock until it is reloaded
   */
  const askAt = new Map<string, number>()
  const ask = (siteId: string) => {
    askAt.set(siteId, Number.POSITIVE_INFINITY)
    deps.api
      .get<{ effective: { utcOffsetMin?: unknown } }>(`/sites/${encodeURIComponent(siteId)}/alert-settings`)
      .then(
        (r) => {
          const o = r.effective.utcOffsetMin
          if (typeof o === 'number' && o !== DEFAULT_UTC_OFFSET_MIN)
            known.value = new Map(known.value).set(siteId, o)
        },
        () => {
          askAt.set(siteId, now() + RETRY_MS)
        },
      )
  }
  return {
    offsetOf(siteId) {
      const o = siteId === undefined ? undefined : known.value.get(siteId)
      if (o !== undefined) return o
      if (siteId !== undefined && (askAt.get(siteId) ?? 0) <= now()) ask(siteId)
      return DEFAULT_UTC_OFFSET_MIN
    },
  }
}

/** Every site at the service's default: outside a shell (a page rendered on its own). */
export const defaultZones: SiteZones = { offsetOf: () => DEFAULT_UTC_OFFSET_MIN }
