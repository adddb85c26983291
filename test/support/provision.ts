// Provisioning through the service's HTTP API, as an operator would: one site, then circuit monitors, a
// bounded number of requests at a time (each 201 costs the service one scrypt hash).
import type { ProvisionedDevice } from './device-publisher.ts'
import { api, type ServiceProcess } from './service-process.ts'

export async function provisionCircuits(
  svc: ServiceProcess,
  prefix: string,
  n: number,
  concurrency = 1,
): Promise<ProvisionedDevice[]> {
  const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
    name: `${prefix} block`,
    community: 'Nothing-lost Gardens',
    kind: 'building',
  })
  const devices: ProvisionedDevice[] = new Array(n)
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      const d = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
        id: `${prefix}-${i}`,
        kind: 'circuit-monitor',
        siteId: site.id,
        reportIntervalS: 60,
      })
      devices[i] = { id: d.id, secret: d.secret }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
  return devices
}
