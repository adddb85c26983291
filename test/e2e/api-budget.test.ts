// The service reads the API budget and history bounds from its environment and hands them to the API.
import { afterAll, beforeAll, expect, inject, it, onTestFailed } from 'vitest'
import { createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

let svc: ServiceProcess
beforeAll(async () => {
  svc = await createServiceProcess({
    influxUrl: inject('influxUrl'),
    extraEnv: { API_RATE_PER_S: '1', API_BURST: '3', API_MAX_SPAN_DAYS: '7' },
  })
  await svc.start()
})
afterAll(async () => {
  await svc?.kill('SIGTERM')
})

const get = async (path: string) => {
  const res = await fetch(svc.httpUrl + path, { headers: { authorization: `Bearer ${svc.adminToken}` } })
  const body = (await res.json()) as { error?: string; message?: string }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body }
}

it('answers 429 past API_BURST and refuses a range longer than API_MAX_SPAN_DAYS', async () => {
  onTestFailed(() => console.error(svc.output()))
  const site = await fetch(`${svc.httpUrl}/api/v1/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Block 1', community: 'Budget Court', kind: 'building' }),
  }).then((r) => r.json() as Promise<{ id: string }>)
  await fetch(`${svc.httpUrl}/api/v1/devices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'budget-1', kind: 'circuit-monitor', siteId: site.id }),
  })
  const long = await get(`/api/v1/devices/budget-1/events?from=${Date.now() - 8 * 86_400_000}`)
  expect(long.status).toBe(400)
  expect(long.body.message).toMatch(/longest allowed, 7 days/)
  // the burst of 3 is spent (one more a second): ten at once cannot all pass
  const answers = await Promise.all(Array.from({ length: 10 }, () => get('/api/v1/sites')))
  const refused = answers.filter((a) => a.status === 429)
  expect(refused.length).toBeGreaterThan(0)
  expect(refused[0]!.body.error).toBe('RATE_LIMITED')
  expect(Number(refused[0]!.retryAfter)).toBeGreaterThanOrEqual(1)
})
