// The registry identity and escaped tag set of a device, for ingest's hot path (the registry's lookup
// cache: one SQLite lookup per device per TTL). Decommissioned devices too: their spooled backlog is stored.
import type { DeviceKind } from '../domain/protocol.ts'
import { createLookupCache, type DeviceDirectory } from '../registry/index.ts'
import { registryTagSet } from './encode-points.ts'

/** how long ingest trusts a device it found in the registry */
const FOUND_TTL_MS = 60_000

/**
 * What ingest needs of a device, and no more: one entry per device the spool has seen, so at a city's
 * scale its size is memory per device. The registry's row (its id, tenant, community and site strings,
 * the name) was kept here too; all of them are in `tagSet` already, and decoding needs only the kind.
 */
export interface CachedDevice {
  kind: DeviceKind
  /** escaped registry tag set for line protocol */
  tagSet: string
}

export interface DeviceCache {
  get(id: string): CachedDevice | undefined
}

export function createDeviceCache(opts: {
  directory: Pick<DeviceDirectory, 'findDevice'>
  ttlMs: number
  now: () => number
  maxEntries?: number
}): DeviceCache {
  return createLookupCache({
    lookup: (id): CachedDevice | undefined => {
      const device = opts.directory.findDevice(id, { includeDecommissioned: true })
      return (
        device && {
          kind: device.kind,
          tagSet: registryTagSet({
            tenant: device.tenantId,
            community: device.communityId,
            site: device.siteId,
            device: device.id,
          }),
        }
      )
    },
    ttlMs: opts.ttlMs,
    // A provisioned device's kind and registry tags never change (the registry updates a device only to
    // decommission it or rotate its secret, and ingest stores a decommissioned device's backlog too), so
    // a found device need not be looked up again every ttlMs: at 1,000 devices that was 500 SQLite
    // lookups a second on the broker's thread. Unknown ids keep the short TTL: a device provisioned
    // after its first message is picked up as before. The bound keeps a future change of tags in reach.
    foundTtlMs: Math.max(opts.ttlMs, FOUND_TTL_MS),
    now: opts.now,
    maxEntries: opts.maxEntries,
  })
}
