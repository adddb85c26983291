// Provisioning a city's fleet (phase `city`: up to 100,000 devices) in a setup step, through the
// registry's public face (registry/index.ts) on the service's own data directory, before the service
// starts. Through the API, 16 requests at a time, each device costs an HTTP round trip and a JSON
// answer on top of its scrypt hash; here the same provisionDevice runs (same ids, same scrypt cost and
// stored format, same SQLite file), so what the broker later verifies is exactly what the API would
// have stored. No API was added for it: bulk provisioning is an operator's decision, not a bench's.
// Tenant, site and device ids are those of bench/provision.ts.
import { join } from 'node:path'
import { pino } from 'pino'
import { openRegistry } from '../registry/index.ts'
import type { DeviceCredential } from './ipc.ts'
import { benchSiteIds } from './provision.ts'

/** The registry file of a service whose DATA_DIR is `dataDir` (service/service.ts). */
export const registryPath = (dataDir: string) => join(dataDir, 'registry.db')

export async function provisionThroughRegistry(opts: {
  dataDir: string
  ids: readonly string[]
  sites?: number
  /** provisionDevice calls in flight (their scrypt hashes run on the thread pool) */
  concurrency?: number
}): Promise<DeviceCredential[]> {
  const registry = openRegistry({ path: registryPath(opts.dataDir), log: pino({ level: 'silent' }) })
  try {
    const tenant = registry.createTenant({ id: 'bench-tenant', name: 'Bench property company' })
    const siteIds = benchSiteIds(opts.sites ?? 1).map(
      (id) =>
        registry.createSite({
          id,
          tenantId: tenant.id,
          name: `Bench building ${id}`,
          community: 'bench-community',
          kind: 'building',
        }).id,
    )
    const creds: DeviceCredential[] = new Array(opts.ids.length)
    let next = 0
    const worker = async () => {
      while (next < opts.ids.length) {
        const i = next++
        const id = opts.ids[i]!
        const { secret } = await registry.provisionDevice({
          id,
          kind: 'circuit-monitor',
          siteId: siteIds[i % siteIds.length]!,
          reportIntervalS: 60,
        })
        creds[i] = { id, secret }
      }
    }
    await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker))
    return creds
  } finally {
    registry.close()
  }
}
