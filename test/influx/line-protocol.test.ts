import { describe, expect, inject, it } from 'vitest'
import { createInfluxClient } from '../../influx/client.ts'
import {
  boolField,
  escapeFieldKey,
  escapeMeasurement,
  escapeTag,
  floatField,
  intField,
  seriesKey,
  stringField,
} from '../../influx/line-protocol.ts'

describe('line protocol escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['a b', 'a\\ b'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a/b'],
    ['ends\\', 'ends/'],
    ['new\nline', 'new\\ line'],
    ['cr\rtab\tnul\x00del\x7f', 'cr\\ tab\\ nul\\ del\\ '],
    ['x\nm,t=y f=1 1', 'x\\ m\\,t\\=y\\ f\\=1\\ 1'],
    ['温度 °C ✓', '温度\\ °C\\ ✓'],
  ])('escapes the tag %j as %j', (input, expected) => {
    expect(escapeTag(input)).toBe(expected)
    expect(escapeFieldKey(input)).toBe(expected)
  })

  it.each([
    ['pile', 'pile'],
    ['a b,c=d', 'a\\ b\\,c=d'],
    ['m\nx', 'm\\ x'],
  ])('escapes the measurement %j as %j', (input, expected) => {
    expect(escapeMeasurement(input)).toBe(expected)
  })

  it('refuses an empty measurement', () => {
    expect(() => escapeMeasurement('')).toThrow(/empty measurement/)
  })

  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['ends\\', '"ends\\\\"'],
    ['two\nlines\r\n', '"two lines  "'],
    ['a,b=c d', '"a,b=c d"'],
    ['温度', '"温度"'],
  ])('quotes the string field %j as %j', (input, expected) => {
    expect(stringField(input)).toBe(expected)
  })

  it.each([
    [0, '0'],
    [42, '42'],
    [-62, '-62'],
    [1.5, '1.5'],
    [1e21, '1e+21'],
    [1.5e-7, '1.5e-7'],
  ])('writes the float %d without an integer suffix as %j', (n, expected) => {
    expect(floatField(n)).toBe(expected)
  })

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY]])(
    'refuses the float %d',
    (n) => {
      expect(() => floatField(n)).toThrow(/non-finite/)
    },
  )

  it('writes integers with the i suffix and refuses fractions', () => {
    expect(intField(-3)).toBe('-3i')
    expect(intField(0)).toBe('0i')
    expect(() => intField(1.5)).toThrow()
    expect(() => intField(2 ** 60)).toThrow()
  })

  it('writes booleans as true/false', () => {
    expect(boolField(true)).toBe('true')
    expect(boolField(false)).toBe('false')
  })

  it('builds a sorted series key and omits empty tag values', () => {
    expect(seriesKey('pile', { site: 's 1', device: 'd,1', tenant: '', community: 'c' })).toBe(
      'pile,community=c,device=d\\,1,site=s\\ 1',
    )
  })
})

describe('hostile strings against a real InfluxDB', () => {
  const hostile = [
    'line\nbreak',
    'x\nm,t=y f=1 1',
    'comma,here',
    'quote"d',
    'back\\slash',
    'trailing\\',
    'eq=uals',
    ' spaced ',
    '温度 ✓ \u{1F525}',
    'cr\r\n',
  ]

  it('stores one point per line with every hostile tag and string value, creating nothing else', async () => {
    const db = `lp_${process.pid}_${Date.now()}`
    const client = createInfluxClient({ url: inject('influxUrl'), db })
    try {
      await client.ensureDatabase()
      const lines = hostile.map(
        (s, i) =>
          `${seriesKey('hostile', { t: s, [s]: 'v' })} ${escapeFieldKey(s)}=${floatField(i)},s=${stringField(s)} ${1_700_000_000_000 + i}000000`,
      )
      await client.write(lines.join('\n'))
      const measurements = await client.query('SHOW MEASUREMENTS')
      expect(measurements[0]?.values).toEqual([['hostile']])
      const rows = await client.query('SELECT count(s) FROM hostile')
      expect(rows[0]?.values[0]?.[1]).toBe(hostile.length)
      const series = await client.query('SHOW SERIES FROM hostile')
      expect(series[0]?.values).toHaveLength(hostile.length)
      const stored = await client.query('SELECT s, t FROM hostile')
      const values = stored[0]!.values.map((r) => [r[1], r[2]])
      const sanitiseString = (s: string) => s.replace(/[\x00-\x1f\x7f]/g, ' ')
      const sanitiseTag = (s: string) => sanitiseString(s).replace(/\\/g, '/')
      expect(values).toEqual(hostile.map((s) => [sanitiseString(s), sanitiseTag(s)]))
    } finally {
      await client.query(`DROP DATABASE "${db}"`).catch(() => {})
      await client.close()
    }
  })
})
