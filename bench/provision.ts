// Devices for "ours" are provisioned through the public API (api.md), like an operator would: one tenant,
// one site (or several, device i at site i mod n), then every device, a bounded number of requests at a time (each 201 costs the service one scrypt hash).
import { DEVICE_PREFIX, PROBE_PREFIX } from './influx-query.ts'
import type { DeviceCredential } from './ipc.ts'

/** Bench device ids; every `probeEvery`-th one is a latency probe (bench/latency-tracker.ts). */
export function benchDeviceIds(n: number, probeEvery = 10): string[] {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const prefix = i % probeEvery === 0 ? PROBE_PREFIX : `${DEVICE_PREFIX}d-`
    ids.push(prefix + String(i).padStart(5, '0'))
  }
  return ids
}

/** The bench's site ids: the first is the one every phase used before sites could be several. */
export function benchSiteIds(n: number): string[] {
  return Array.from({ length: n }, (_, k) => (k === 0 ? 'bench-building' : `bench-building-${k}`))
}

/** POSTs JSON with a bearer token; throws with the answer unless 200/201. */
export async function post(url: string, token: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  })
  const text = await res.text()
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`POST ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as Record<string, unknown>
}

export async function provisionDevices(opts: {
  httpUrl: string
  adminToken: string
  ids: readonly string[]
  concurrency: number
  /** sites to spread the devices over (default 1); device i goes to site i mod `sites` */
  sites?: number
}): Promise<DeviceCredential[]> {
  // an admin token must name the tenant a site belongs to (api/routes/sites.ts)
  const tenant = await post(`${opts.httpUrl}/api/v1/tenants`, opts.adminToken, {
    id: 'bench-tenant',
    name: 'Bench property company',
  })
  const siteIds: string[] = []
  for (const id of benchSiteIds(opts.sites ?? 1)) {
    const site = await post(`${opts.httpUrl}/api/v1/sites`, opts.adminToken, {
      id,
      tenantId: String(tenant.id),
      name: `Bench building ${id}`,
      community: 'bench-community',
      kind: 'building',
    })
    siteIds.push(String(site.id))
  }
  const creds: DeviceCredential[] = new Array(opts.ids.length)
  let next = 0
  const worker = async () => {
    while (next < opts.ids.length) {
      const i = next++
      const id = opts.ids[i]!
      const dev = await post(`${opts.httpUrl}/api/v1/devices`, opts.adminToken, {
        id,
        kind: 'circuit-monitor',
        siteId: siteIds[i % siteIds.length],
        reportIntervalS: 60,
      })
      if (typeof dev.secret !== 'string') throw new Error(`device ${id}: 201 without a secret`)
      creds[i] = { id, secret: dev.secret }
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker))
  return creds
}
