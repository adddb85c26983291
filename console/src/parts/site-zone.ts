// The shell's site zones (stores/site-zones.ts) for any component that tells a site's time.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import { defaultZones, type SiteZones } from '../stores/site-zones.ts'

export const SiteZonesContext = createContext<SiteZones>(defaultZones)

/** The shell's site zones: for a component that learns its site only after an early return. */
export const useSiteZones = (): SiteZones => useContext(SiteZonesContext)

/** The site's offset from UTC in minutes, for `fmt.dateTime(ms, offset)`. */
export function useSiteOffset(siteId: string | undefined): number {
  return useContext(SiteZonesContext).offsetOf(siteId)
}
