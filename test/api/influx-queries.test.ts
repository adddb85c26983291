import { describe, expect, it } from 'vitest'
import { deviceFilter, eventsQuery, telemetryQuery } from '../../api/influx-queries.ts'
import { parseEvery } from '../../api/time-range.ts'
import { isCourtyardError } from '../../domain/errors.ts'

const range = { fromMs: Date.UTC(2025, 10, 21), toMs: Date.UTC(2025, 10, 22) }

describe('telemetryQuery', () => {
  it.each([
    ['charging-pile', 'feeder.powerW', undefined, '"pile"', '"feeder.powerW"'],
    ['charging-pile', 'unmeteredW', undefined, '"pile"', '"unmeteredW"'],
    ['charging-pile', 'tempC', 3, '"pile_port"', '"tempC"'],
    ['daycare-sensor', 'co2Ppm', undefined, '"daycare"', '"co2Ppm"'],
    ['circuit-monitor', 'powerW', undefined, '"circuit"', '"powerW"'],
    ['outdoor-display', 'cabinetTempC', undefined, '"display"', '"cabinetTempC"'],
  ] as const)('queries %s %s (port %s) from the whitelisted measurement', (kind, field, port, m, f) => {
    const { q, params } = telemetryQuery({ deviceId: 'dev-01', kind, field, port, range })
    expect(q).toContain(`FROM ${m}`)
    expect(q).toContain(`SELECT ${f} AS "value"`)
    expect(q).toContain('LIMIT 10001')
    expect(params).toMatchObject({
      device: 'dev-01',
      from: '2025-11-21T00:00:00.000Z',
      until: '2025-11-22T00:00:00.001Z',
    })
    if (port !== undefined) expect(params.port).toBe(String(port))
    // user input never enters the text
    expect(q).not.toContain('dev-01')
  })

  it('downsamples by mean with GROUP BY time when every is given', () => {
    const { q } = telemetryQuery({
      deviceId: 'd-1',
      kind: 'circuit-monitor',
      field: 'powerW',
      range,
      every: parseEvery('5m'),
    })
    expect(q).toBe(
      'SELECT mean("powerW") AS "value" FROM "circuit" WHERE "device" = $device AND time >= $from AND time < $until GROUP BY time(5m) fill(none)',
    )
  })

  it.each([
    ['a field of another kind', 'circuit-monitor', 'co2Ppm', undefined, 'not a numeric field'],
    ['a string field', 'circuit-monitor', 'circuit', undefined, 'not a numeric field'],
    ['a per-port field without port', 'charging-pile', 'tempC', undefined, 'add port=N'],
    ['a device field with port', 'charging-pile', 'feeder.powerW', 2, 'leave out port'],
    ['an injection attempt', 'charging-pile', 'powerW"; DROP DATABASE x', undefined, 'not a numeric field'],
  ] as const)('refuses %s', (_name, kind, field, port, hint) => {
    try {
      telemetryQuery({ deviceId: 'd-1', kind, field, port, range })
      expect.unreachable()
    } catch (e) {
      expect(isCourtyardError(e) && e.code).toBe('BAD_REQUEST')
      expect((e as Error).message).toContain(hint)
    }
  })
})

describe('eventsQuery', () => {
  it('pages newest first with bound device and range', () => {
    const { q, params } = eventsQuery({ deviceId: 'd-1', range, limit: 51, offset: 100 })
    expect(q).toBe(
      'SELECT * FROM "device_event" WHERE "device" = $device AND time >= $from AND time < $until ORDER BY time DESC LIMIT 51 OFFSET 100',
    )
    expect(params.device).toBe('d-1')
  })
})

describe('deviceFilter', () => {
  it('binds the ids as one anchored regex, each id matched literally', () => {
    const params: Record<string, unknown> = {}
    expect(deviceFilter(['pile-01', 'a.b', 'x|y(z)'], params as never)).toBe('"device" =~ $devices')
    const re = new RegExp((params.devices as { regex: string }).regex)
    expect(['pile-01', 'a.b', 'x|y(z)'].every((id) => re.test(id))).toBe(true)
    expect(['pile-011', 'axb', 'x', 'pile-01 '].some((id) => re.test(id))).toBe(false)
  })
})
