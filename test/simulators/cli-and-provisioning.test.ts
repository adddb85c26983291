import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_SIM_START,
  DEFAULT_SUMMER_SIM_START,
  defaultSimStart,
  parseCliArgs,
  parseDuration,
} from '../../simulators/cli-args.ts'
import { loadDevicesFile, parseDevices, saveDevicesFile } from '../../simulators/devices-file.ts'
import { demoEstate } from '../../simulators/estate.ts'
import { provisionEstate } from '../../simulators/provision.ts'

describe('simulate command line', () => {
  it('reads the documented example', () => {
    const o = parseCliArgs(
      (
        '--url mqtt://127.0.0.1:1883 --api http://127.0.0.1:8080 --token t0k --piles 20 --circuits 40 --sensors 10 ' +
        '--displays 5 --seed 42 --interval 60 --scenario stray-wire,offline,faults,malformed --backfill 2d --duration 10m'
      ).split(' '),
    )
    expect(o).toMatchObject({
      url: 'mqtt://127.0.0.1:1883',
      api: 'http://127.0.0.1:8080',
      token: 't0k',
      piles: 20,
      circuits: 40,
      sensors: 10,
      displays: 5,
      seed: 42,
      intervalS: 60,
      scenarios: ['stray-wire', 'offline', 'faults', 'malformed'],
      backfillMs: 2 * 86_400_000,
      durationMs: 600_000,
    })
  })

  it.each([
    [['--piles=-3'], /--piles must be a whole number/],
    [['--interval', '0'], /--interval must be a whole number from 1/],
    [['--backfill', '31d'], /at most 30d/],
    [['--backfill', 'soon'], /--backfill must be a duration/],
    [['--scenario', 'flood'], /unknown scenario "flood"/],
    [['--url', 'http://x'], /--url must be an mqtt/],
    [['--api', 'http://x'], /--api needs --token/],
    [['--nope'], /Unknown option '--nope'/],
    [['--backfill-only'], /needs --backfill/],
    [['--log-level', 'loud'], /--log-level must be one of fatal, error, warn, info, debug, trace, silent/],
    [['--stats-every', '0s'], /--stats-every must be at least 1s/],
    [['--connect-timeout', '10ms'], /--connect-timeout must be at least 1s/],
    [['--duration', '0s'], /--duration must be at least 1ms/],
    // without its offset a time would be read in the machine's zone: runs on two machines would differ
    [
      ['--sim-start', '2026-04-27T09:00'],
      /--sim-start must be now or a time like 2026-04-27T09:00:00\+08:00/,
    ],
    [['--sim-start', 'yesterday'], /--sim-start must be now or a time like/],
    [
      ['--ca', 'ca.pem'],
      /--ca is for a TLS broker URL \(mqtts:\/\/ or wss:\/\/\), got "mqtt:\/\/127\.0\.0\.1:1883"/,
    ],
    [['--url', 'ws://x/mqtt', '--insecure'], /--insecure is for a TLS broker URL/],
    [['--url', 'mqtts://x', '--ca', 'ca.pem', '--insecure'], /use either --ca or --insecure, not both/],
    [['--sim-start', '2026-02-30T09:00:00Z'], /--sim-start must be now or a time like/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message)
  })

  it('leaves the prefix to the estate unless given: sim for a sized one, none for the demo', () => {
    expect(parseCliArgs([]).prefix).toBeUndefined()
    expect(parseCliArgs(['--demo', '--prefix', 'acme']).prefix).toBe('acme')
    expect(demoEstate(1, { prefix: 'acme' }).devices.every((d) => d.id.startsWith('acme-'))).toBe(true)
  })

  it('starts the simulated clock at a fixed time unless --sim-start says otherwise; now is the wall clock', () => {
    expect(parseCliArgs([]).simStartMs).toBe(Date.parse(defaultSimStart(Date.now())))
    expect(parseCliArgs(['--sim-start', '2026-07-15T22:30:00Z']).simStartMs).toBe(
      Date.UTC(2026, 6, 15, 22, 30),
    )
    expect(parseCliArgs(['--sim-start', 'now']).simStartMs).toBeUndefined()
  })

  it("defaults the simulated season to the real one the service's day-care bands judge by (UTC+8 months)", () => {
    expect(defaultSimStart(Date.parse('2026-12-04T12:00:00Z'))).toBe(DEFAULT_SIM_START)
    expect(defaultSimStart(Date.parse('2027-04-30T15:59:00Z'))).toBe(DEFAULT_SIM_START)
    // 1 May 00:00 in Shanghai is still 30 April in UTC
    expect(defaultSimStart(Date.parse('2027-04-30T16:00:00Z'))).toBe(DEFAULT_SUMMER_SIM_START)
    expect(defaultSimStart(Date.parse('2027-09-30T15:59:00Z'))).toBe(DEFAULT_SUMMER_SIM_START)
    expect(defaultSimStart(Date.parse('2027-09-30T16:00:00Z'))).toBe(DEFAULT_SIM_START)
  })

  it('takes the API token from ADMIN_TOKEN when --token is absent', () => {
    expect(parseCliArgs(['--api', 'http://127.0.0.1:8080'], { ADMIN_TOKEN: 'env-token' }).token).toBe(
      'env-token',
    )
  })

  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['3d', 259_200_000],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text, '--x')).toBe(ms)
  })
})

describe('devices file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-sim-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('round-trips devices with secrets in a file only its owner can read', async () => {
    const path = join(dir, 'devices.json')
    const devices = demoEstate(1).devices.map((d) => ({ ...d, secret: `s-${d.id}` }))
    await saveDevicesFile(path, devices)
    expect(statSync(path).mode & 0o077).toBe(0)
    expect(await loadDevicesFile(path)).toEqual(devices)
  })

  it('reports every bad entry at once', () => {
    expect(() =>
      parseDevices([
        { id: 'ok-1', kind: 'charging-pile', siteId: 's' },
        { id: 'x', kind: 'toaster', secret: 3 },
      ]),
    ).toThrow(/device #1 \(x\): id must be.*kind must be one of.*siteId is missing.*secret must be a string/)
  })

  it('checks the optional fields the device models read', () => {
    const base = { kind: 'charging-pile', siteId: 's' }
    expect(() =>
      parseDevices([
        { ...base, id: 'p-1', ports: '12' },
        { ...base, id: 'p-2', ports: 300 },
        { ...base, id: 'c-1', kind: 'circuit-monitor', circuit: 5, lightsW: -1 },
        { ...base, id: 'r-1', kind: 'daycare-sensor', room: 7, capacity: 2.5, utcOffsetMin: '+8' },
      ]),
    ).toThrow(
      /p-1\): ports must be .*p-2\): ports must be .*c-1\): circuit must be .*c-1\): lightsW must be .*r-1\): room must be .*r-1\): capacity must be .*r-1\): utcOffsetMin must be/,
    )
    expect(
      parseDevices([{ ...base, id: 'p-3', ports: 12, utcOffsetMin: -300, name: 'Shed 3' }]),
    ).toHaveLength(1)
  })
})

describe('provisionEstate over HTTP', () => {
  const calls: { method: string; url: string; auth?: string; body: Record<string, unknown> }[] = []
  const existing = new Set<string>()
  let api = ''
  const server = createServer(async (req: IncomingMessage, res) => {
    let text = ''
    for await (const chunk of req) text += chunk
    const body = text ? JSON.parse(text) : {}
    calls.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body })
    const send = (status: number, b: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(b))
    }
    if (req.headers.authorization !== 'Bearer good')
      return send(401, { error: 'UNAUTHORIZED', message: 'bad token' })
    if (req.url === '/api/v1/tenants') return send(201, { id: body.id })
    if (req.url === '/api/v1/sites') return send(201, { ...body, createdAt: 1 })
    if (req.url === '/api/v1/devices') {
      if (existing.has(body.id)) return send(409, { error: 'CONFLICT', message: 'exists' })
      return send(201, { ...body, secret: `new-${body.id}` })
    }
    const rotate = /^\/api\/v1\/devices\/([^/]+)\/rotate-secret$/.exec(req.url ?? '')
    if (rotate) return send(200, { id: rotate[1], secret: `rotated-${rotate[1]}` })
    send(404, { error: 'NOT_FOUND', message: 'no route' })
  })
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('creates every site before its devices and keeps each issued secret, rotating existing devices', async () => {
    const estate = demoEstate(3)
    const first = estate.devices[0]?.id as string
    existing.add(first)
    const devices = await provisionEstate(api, 'good', estate, { tenantId: 'acme' })
    expect(devices).toHaveLength(estate.devices.length)
    expect(devices[0]?.secret).toBe(`rotated-${first}`)
    expect(devices[1]?.secret).toBe(`new-${devices[1]?.id}`)
    const lastSite = calls.map((c) => c.url).lastIndexOf('/api/v1/sites')
    const firstDevice = calls.map((c) => c.url).indexOf('/api/v1/devices')
    expect(lastSite).toBeLessThan(firstDevice)
    const site = calls.find((c) => c.url === '/api/v1/sites')
    expect(site?.body).toMatchObject({
      tenantId: 'acme',
      kind: expect.any(String),
      community: expect.any(String),
    })
    const device = calls.find((c) => c.url === '/api/v1/devices')
    expect(Object.keys(device?.body ?? {}).sort()).toEqual([
      'id',
      'kind',
      'name',
      'reportIntervalS',
      'siteId',
    ])
  })

  it('fails with the API error when the token is refused', async () => {
    await expect(provisionEstate(api, 'bad', demoEstate(3))).rejects.toThrow(
      /HTTP 401 UNAUTHORIZED bad token/,
    )
  })
})
