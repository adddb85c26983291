// What one request may cost: telemetry and events ranges, points read, cursors a client can forge, and
// the per-caller request budget; against the real API and the real influxd.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { encodeCursor } from '../../api/pagination.ts'
import { pointTimestampNs } from '../../domain/storage.ts'
import { errorCode, type Harness, seedTenants, startHarness } from './api-harness.ts'

const NOW = Date.now()
const DAY = 86_400_000
const tags = (device: string) => `tenant=acme,community=cm-1,site=acme-shed,device=${device}`

describe('history requests are bounded', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ influxUrl: inject('influxUrl') })
    seedTenants(h)
    // reports every 60 s (the default)
    await h.registry.provisionDevice({ id: 'pile-01', kind: 'charging-pile', siteId: 'acme-shed' })
    // reports every second
    await h.registry.provisionDevice({
      id: 'fast-01',
      kind: 'circuit-monitor',
      siteId: 'acme-shed',
      reportIntervalS: 1,
    })
    const lines = [0, 10, 45, 80].map(
      (d, i) => `pile,${tags('pile-01')} feeder.powerW=${100 + i} ${pointTimestampNs(NOW - d * DAY, i)}`,
    )
    lines.push(`circuit,${tags('fast-01')} powerW=5 ${pointTimestampNs(NOW - DAY, 1)}`)
    // 12 events: three groups of four in one millisecond each, so pages split inside a millisecond
    for (let g = 0; g < 3; g++)
      for (let k = 0; k < 4; k++) {
        const ts = NOW - (g + 1) * 60_000
        const seq = g * 10 + k
        const payload = JSON.stringify({ ts, seq, kind: 'charging-pile', event: 'session_started' })
        lines.push(
          `device_event,${tags('pile-01')},kind=charging-pile,event=session_started seq=${seq}i,payload=${JSON.stringify(payload)} ${pointTimestampNs(ts, seq)}`,
        )
      }
    await h.influx.write(lines.join('\n'))
  })
  afterAll(() => h?.close())

  const get = (path: string) => h.call('GET', path)

  it('refuses raw points over a range that holds more than 10,000, naming the limit and the every to add', async () => {
    const res = await get(
      `/api/v1/devices/pile-01/telemetry?field=feeder.powerW&from=${NOW - 90 * DAY}&to=${NOW}`,
    )
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_REQUEST')
    expect(res.body.message).toMatch(
      /range of 90 days .* raw resolution is about 129,601 points, more than the 10,000/,
    )
    expect(res.body.message).toMatch(/add every=15m/)
    const ok = await get(
      `/api/v1/devices/pile-01/telemetry?field=feeder.powerW&from=${NOW - 90 * DAY}&to=${NOW}&every=15m`,
    )
    expect(ok.status).toBe(200)
    expect(ok.body.points.map((p: { value: number }) => p.value)).toEqual([103, 102, 101, 100])
  })

  it('refuses a range longer than the bound, even downsampled', async () => {
    const res = await get(
      `/api/v1/devices/pile-01/telemetry?field=feeder.powerW&from=${NOW - 500 * DAY}&to=${NOW}&every=1d`,
    )
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/range of 500 days exceeds the longest allowed, 400 days/)
  })

  it('refuses a downsampled range that would read more than the points bound', async () => {
    // 30 days of one reading a second: 2.6 million stored points to average
    const res = await get(
      `/api/v1/devices/fast-01/telemetry?field=powerW&from=${NOW - 30 * DAY}&to=${NOW}&every=1h`,
    )
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(
      /reads about 2,592,001 stored points, more than the 1,000,000 .* at most 11 days/,
    )
    const ok = await get(
      `/api/v1/devices/fast-01/telemetry?field=powerW&from=${NOW - 10 * DAY}&to=${NOW}&every=1h`,
    )
    expect(ok.status).toBe(200)
    expect(ok.body.points).toHaveLength(1)
  })

  it('refuses an events range longer than the bound', async () => {
    const res = await get(`/api/v1/devices/pile-01/events?from=${NOW - 500 * DAY}&to=${NOW}`)
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/longest allowed, 400 days/)
  })

  it('pages events across one millisecond without losing or repeating any', async () => {
    for (const limit of [1, 3, 5]) {
      const seen: number[] = []
      let cursor: string | undefined
      for (let page = 0; page < 20; page++) {
        const res = await get(
          `/api/v1/devices/pile-01/events?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        )
        expect(res.status).toBe(200)
        seen.push(...res.body.items.map((e: { seq: number }) => e.seq))
        cursor = res.body.next
        if (!cursor) break
      }
      expect(seen, `limit ${limit}`).toHaveLength(12)
      expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23])
    }
  })

  it.each([
    ['a negative offset', encodeCursor({ d: 'pile-01', offset: -5, skip: -5, from: NOW - DAY, to: NOW })],
    [
      'an offset beyond integers',
      encodeCursor({ d: 'pile-01', offset: 1e21, skip: 1e21, from: NOW - DAY, to: NOW }),
    ],
    [
      'a huge skip',
      encodeCursor({ d: 'pile-01', offset: 5_000_000, skip: 5_000_000, from: NOW - DAY, to: NOW }),
    ],
    ['a fractional end', encodeCursor({ d: 'pile-01', offset: 0, skip: 0, from: NOW - DAY, to: NOW + 0.5 })],
    ['a window that starts after it ends', encodeCursor({ d: 'pile-01', skip: 0, from: NOW, to: NOW - DAY })],
    ['no window start (a cursor of the version before)', encodeCursor({ d: 'pile-01', skip: 0, to: NOW })],
    ['garbage', 'bm9wZQ'],
  ])('answers %s in an events cursor with 400 BAD_CURSOR, not a failed query', async (_n, cursor) => {
    const res = await get(`/api/v1/devices/pile-01/events?cursor=${cursor}`)
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_CURSOR')
    expect(res.body.message).toMatch(/pass the `next` value of the previous page/)
  })
})

describe('requests per caller are rate-limited', () => {
  let h: Harness
  let tokens: ReturnType<typeof seedTenants>
  beforeAll(async () => {
    // a burst of 5 and then one request every 1000 s: nothing refills during the test
    h = await startHarness({
      influxUrl: inject('influxUrl'),
      config: { rateLimit: { ratePerS: 0.001, burst: 5 } },
    })
    tokens = seedTenants(h)
  })
  afterAll(() => h?.close())

  const limited = async (caller: string) => {
    const text = (await h.metrics.getSingleMetricAsString('courtyard_api_rate_limited_total')) ?? ''
    return Number(new RegExp(`caller="${caller}"} (\\d+)`).exec(text)?.[1] ?? 0)
  }

  it('answers a burst beyond the limit with 429 and Retry-After for that token only', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++)
      statuses.push((await h.call('GET', '/api/v1/sites', { token: tokens.acmeManager })).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200])
    const over = await h.call('GET', '/api/v1/sites', { token: tokens.acmeManager })
    expect(over.status).toBe(429)
    expect(errorCode(over.body)).toBe('RATE_LIMITED')
    expect(over.body.message).toMatch(/API token.*retry after \d+ s/)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // another token of the same tenant, from the same address, is unaffected
    const other = await h.call('GET', '/api/v1/sites', { token: tokens.acmeViewer })
    expect(other.status).toBe(200)
    expect(await limited('token')).toBe(1)
  })

  it('slows down guessing: an address with too many failed authentications gets 429', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++)
      statuses.push((await h.call('GET', '/api/v1/sites', { token: `cy_guess${i}` })).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
    expect(await limited('address')).toBe(1)
  })
})
