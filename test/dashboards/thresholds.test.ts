// The numbers and colours a person reads the panels against: GB/T 18883 bands on the day-care panels, the
// alert catalogue's limits elsewhere, states and severities in the colours a duty desk expects, per-day
// buckets that start at local midnight, and a description on every panel.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { describe, expect, it } from 'vitest'
import { dayOffset } from '../../dashboards/config.ts'
import { DEFAULT_BUILD_OPTIONS } from '../../dashboards/index.ts'
import { datasourceYaml } from '../../dashboards/provisioning.ts'
import { SEVERITIES } from '../../domain/alerts.ts'
import { SCREEN_STATES } from '../../domain/protocol.ts'
import { renderedDashboards } from './dashboard-queries.ts'

const panels = (name: string) =>
  (renderedDashboards().find((d) => d.name === name)?.model.panels ?? []).filter(
    (p): p is dashboard.Panel => p.type !== 'row',
  )
const steps = (name: string, title: RegExp) => {
  const p = panels(name).find((x) => title.test(x.title ?? ''))
  if (!p) throw new Error(`no panel ${title} in ${name}`)
  return p.fieldConfig?.defaults?.thresholds?.steps?.map((s) => [s.value, s.color])
}

describe('dashboard thresholds', () => {
  it('day-care panels carry the GB/T 18883 bands', () => {
    expect(steps('daycare-air-quality', /^温度.*夏/)).toEqual([
      [null, 'blue'],
      [22, 'green'],
      [28, 'red'],
    ])
    expect(steps('daycare-air-quality', /^温度.*冬/)).toEqual([
      [null, 'blue'],
      [16, 'green'],
      [24, 'red'],
    ])
    expect(steps('daycare-air-quality', /^湿度.*夏/)).toEqual([
      [null, 'blue'],
      [40, 'green'],
      [80, 'red'],
    ])
    expect(steps('daycare-air-quality', /^湿度.*冬/)).toEqual([
      [null, 'blue'],
      [30, 'green'],
      [60, 'red'],
    ])
    expect(steps('daycare-air-quality', /^二氧化碳/)).toEqual([
      [null, 'green'],
      [1000, 'orange'],
      [1500, 'red'],
    ])
    expect(steps('daycare-air-quality', /^PM2\.5$/)).toEqual([
      [null, 'green'],
      [50, 'orange'],
      [75, 'red'],
    ])
  })

  it('port temperature and leakage panels carry the alert limits', () => {
    expect(steps('charging-overview', /^端口温度/)).toEqual([
      [null, 'green'],
      [65, 'orange'],
      [75, 'red'],
    ])
    expect(steps('charging-overview', /^漏电流/)).toEqual([
      [null, 'green'],
      [15, 'orange'],
      [30, 'red'],
    ])
  })

  it("every dashboard shows the estate's clock, whose offset the per-day buckets use", () => {
    const { timezone, utcOffsetMin } = DEFAULT_BUILD_OPTIONS.config
    const name = new Intl.DateTimeFormat('en', { timeZone: timezone, timeZoneName: 'longOffset' })
      .formatToParts(new Date())
      .find((x) => x.type === 'timeZoneName')?.value
    expect(name).toBe(`GMT+${String(utcOffsetMin / 60).padStart(2, '0')}:00`)
    for (const d of renderedDashboards()) expect(d.model.timezone, d.name).toBe(timezone)
  })

  it.each([
    [480, '960m'],
    [0, '0m'],
    [-300, '300m'],
    [330, '1110m'],
  ])('a local day at UTC%+d min starts %s after 00:00 UTC', (utcOffsetMin, offset) => {
    expect(dayOffset({ utcOffsetMin })).toBe(offset)
  })
})

/** value → colour of a panel's value mappings, from its defaults or from the override of one field */
function mappedColors(p: dashboard.Panel, field?: string): Record<string, string | undefined> {
  const mappings = (
    field === undefined
      ? p.fieldConfig?.defaults?.mappings
      : p.fieldConfig?.overrides
          ?.find((o) => o.matcher.options === field)
          ?.properties.find((x) => x.id === 'mappings')?.value
  ) as { type: string; options: Record<string, { color?: string }> }[] | undefined
  const out: Record<string, string | undefined> = {}
  for (const m of mappings ?? [])
    if (m.type === 'value') for (const [k, r] of Object.entries(m.options)) out[k] = r.color
  return out
}

const panel = (name: string, title: RegExp): dashboard.Panel => {
  const p = panels(name).find((x) => title.test(x.title ?? ''))
  if (!p) throw new Error(`no panel ${title} in ${name}`)
  return p
}

describe('dashboard colours', () => {
  it('online is green and offline red, on the timeline and in the connection table', () => {
    expect(mappedColors(panel('estate-overview', /^在线 Online/))).toEqual({ true: 'green', false: 'red' })
    expect(mappedColors(panel('estate-overview', /^设备连接/), 'online')).toEqual({
      true: 'green',
      false: 'red',
    })
  })

  it('every screen state has its colour: playing green, black red, frozen orange', () => {
    const colors = mappedColors(panel('displays-health', /^画面 Screen/))
    expect(Object.keys(colors).sort()).toEqual([...SCREEN_STATES].sort())
    expect(colors).toMatchObject({ playing: 'green', black: 'red', frozen: 'orange' })
  })

  it.each([
    ['estate-overview', /^新告警/],
    ['alert-history', /^新告警/],
  ])('%s: each severity count shows in its colour, critical red', (name, title) => {
    const p = panel(name, title)
    const colorOf = (severity: string) =>
      (
        p.fieldConfig?.overrides
          ?.find((o) => o.matcher.id === 'byName' && o.matcher.options === severity)
          ?.properties.find((x) => x.id === 'thresholds')?.value as dashboard.ThresholdsConfig | undefined
      )?.steps.find((st) => st.value === 1)?.color
    expect(SEVERITIES.map(colorOf)).toEqual(['yellow', 'orange', 'dark-orange', 'red'])
  })
})

describe('gaps and intervals', () => {
  const all = renderedDashboards().flatMap((d) =>
    (d.model.panels ?? [])
      .filter((p): p is dashboard.Panel => p.type !== 'row')
      .map((p) => [d.name, p] as const),
  )

  it('lines and state timelines bridge a gap shorter than 3 report intervals and show a longer one', () => {
    const drawn = all.filter(
      ([, p]) =>
        (p.type === 'timeseries' &&
          (p.fieldConfig?.defaults?.custom as { drawStyle?: string } | undefined)?.drawStyle === 'line') ||
        p.type === 'state-timeline',
    )
    expect(drawn.length).toBeGreaterThanOrEqual(20)
    for (const [name, p] of drawn)
      expect(
        (p.fieldConfig?.defaults?.custom as { spanNulls?: unknown } | undefined)?.spanNulls,
        `${name}: ${p.title}`,
      ).toBe(3 * 60_000)
  })

  it("the data source's min interval is the report interval, so $__interval never splits two readings", () => {
    expect(datasourceYaml(DEFAULT_BUILD_OPTIONS)).toMatch(/^ {6}timeInterval: "60s"$/m)
  })

  it('every panel tells a manager what it shows', () => {
    for (const [name, p] of all)
      expect(p.description?.trim().length ?? 0, `${name}: ${p.title}`).toBeGreaterThan(20)
  })
})
