// Provisioning an estate through an API that rate-limits the token: the simulator waits out each 429
// (Retry-After) and every device still gets its secret. Real API, real influxd.
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { demoEstate } from '../../simulators/index.ts'
import { provisionEstate } from '../../simulators/provision.ts'
import { type Harness, startHarness } from '../api/api-harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({
    influxUrl: inject('influxUrl'),
    config: { rateLimit: { ratePerS: 20, burst: 3 } },
  })
})
afterAll(() => h?.close())

it('waits out 429 answers and provisions every device', async () => {
  const estate = demoEstate(3)
  const devices = await provisionEstate(h.base, h.adminToken, estate, { tenantId: 'acme' })
  expect(devices).toHaveLength(estate.devices.length)
  expect(devices.every((d) => typeof d.secret === 'string' && d.secret.length > 10)).toBe(true)
  expect(h.registry.listDevices({ limit: 1000, tenantId: 'acme' })).toHaveLength(estate.devices.length)
  const text = (await h.metrics.getSingleMetricAsString('courtyard_api_rate_limited_total')) ?? ''
  expect(Number(/caller="token"} (\d+)/.exec(text)?.[1] ?? 0)).toBeGreaterThan(0)
})
