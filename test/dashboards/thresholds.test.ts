// The numbers and colours a person reads the panels against: GB/T 18883 bands on the day-care panels, the
// alert catalogue's limits elsewhere, states and severities in the colours a duty desk expects, per-day
// buckets that start at local midnight, and a description on every panel.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { describe, expect, it } from 'vitest'
import { dayOffset } from '../../dashboards/config.ts'
import { DEFAULT_BUILD_OPTIONS } from '../../dashboards/index.ts'
import { above } from '../../dashboards/panels.ts'
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
  return p.fieldConfig?.defaults?.thresholds?.steps ?? []
}

/**
 * The colour Grafana gives `value` (getActiveThreshold in @grafana/data): the last step, in ascending
 * order, whose value the value reaches (value ≥ step; the base step, null, is minus infinity).
 */
function colourAt(st: readonly dashboard.Threshold[], value: number): string | undefined {
  const sorted = [...st].sort((a, b) => (a.value ?? -Infinity) - (b.value ?? -Infinity))
  let active = sorted[0]
  for (const x of sorted) {
    if (value >= (x.value ?? -Infinity)) active = x
    else break
  }
  return active?.color
}

// value → colour on each thresholded panel, from docs/domain.md: GB/T 18883 (CO2 ≤ 1000 ppm, PM2.5 ≤ 50
// as a 24 h mean, 22–28 °C and RH 40–80 % in summer, 16–24 °C and RH 30–60 % in winter) and the alert
// catalogue (air_quality on CO2 > 1000, major at CO2 ≥ 1500, PM2.5 > 75; port_overheat major ≥ 65,
// critical ≥ 75; leakage ≥ 30, cleared < 15; display_overheat major ≥ 60, critical ≥ 70;
// display_hardware: supply outside 4.5–5.5 V, failedModules > 0; the shed's own load ≤ 60 W)
const EDGES: [string, RegExp, [number, string][]][] = [
  [
    'daycare-air-quality',
    /^二氧化碳/,
    [
      [800, 'green'],
      [1000, 'green'],
      [1000.5, 'orange'],
      [1499, 'orange'],
      [1500, 'red'],
    ],
  ],
  [
    'estate-overview',
    /^日间照料最高 CO2/,
    [
      [1000, 'green'],
      [1001, 'orange'],
      [1500, 'red'],
    ],
  ],
  [
    'daycare-air-quality',
    /^PM2\.5$/,
    [
      [50, 'green'],
      [50.1, 'orange'],
      [75, 'orange'],
      [75.1, 'red'],
    ],
  ],
  [
    'daycare-air-quality',
    /^PM2\.5 时段均值/,
    [
      [50, 'green'],
      [50.1, 'red'],
    ],
  ],
  ...(
    [
      [/^温度.*夏/, 22, 28],
      [/^湿度.*夏/, 40, 80],
      [/^温度.*冬/, 16, 24],
      [/^湿度.*冬/, 30, 60],
    ] as const
  ).map(([title, lo, hi]): [string, RegExp, [number, string][]] => [
    'daycare-air-quality',
    title,
    [
      [lo - 0.1, 'blue'],
      [lo, 'green'],
      [hi, 'green'],
      [hi + 0.1, 'red'],
    ],
  ]),
  [
    'charging-overview',
    /^端口温度/,
    [
      [64.9, 'green'],
      [65, 'orange'],
      [74.9, 'orange'],
      [75, 'red'],
    ],
  ],
  [
    'charging-overview',
    /^漏电流/,
    [
      [14.9, 'green'],
      [15, 'orange'],
      [29.9, 'orange'],
      [30, 'red'],
    ],
  ],
  [
    'charging-overview',
    /^未计量负载/,
    [
      [60, 'green'],
      [60.1, 'orange'],
    ],
  ],
  ...[/^箱体温度/, /^户外屏最高箱温/].map((title): [string, RegExp, [number, string][]] => [
    title.source.includes('户外屏') ? 'estate-overview' : 'displays-health',
    title,
    [
      [59.9, 'green'],
      [60, 'orange'],
      [69.9, 'orange'],
      [70, 'red'],
    ],
  ]),
  [
    'displays-health',
    /^供电电压/,
    [
      [4.49, 'red'],
      [4.5, 'green'],
      [5.5, 'green'],
      [5.51, 'red'],
    ],
  ],
  [
    'displays-health',
    /^故障模组/,
    [
      [0, 'green'],
      [1, 'orange'],
    ],
  ],
  // counts of alerts: any is coloured
  ...(
    [
      ['estate-overview', /^新告警/, 'orange'],
      ['alert-history', /^新告警/, 'orange'],
      ['alert-history', /^飞线充电/, 'red'],
    ] as const
  ).map(([name, title, colour]): [string, RegExp, [number, string][]] => [
    name,
    title,
    [
      [0, 'green'],
      [1, colour],
    ],
  ]),
]

describe('dashboard thresholds', () => {
  it.each(EDGES)(
    '%s %s: each value in the colour docs/domain.md gives it, edges included',
    (name, title, table) => {
      const st = steps(name, title)
      expect(table.map(([v]) => [v, colourAt(st, v)])).toEqual(table)
    },
  )

  it('every panel with thresholds is checked against docs/domain.md above', () => {
    const thresholded = renderedDashboards().flatMap((d) =>
      (d.model.panels ?? [])
        .filter((p): p is dashboard.Panel => p.type !== 'row')
        .filter((p) => (p.fieldConfig?.defaults?.thresholds?.steps?.length ?? 0) > 1)
        .map((p) => `${d.name}: ${p.title}`),
    )
    const checked = EDGES.map(
      ([name, title]) => `${name}: ${panels(name).find((p) => title.test(p.title ?? ''))?.title}`,
    )
    expect(thresholded.sort()).toEqual(checked.sort())
  })

  it.each([1000, 28, 5.5, 0.1, 0, -5])('above(%d) is the next double up', (v) => {
    const up = above(v)
    expect(up).toBeGreaterThan(v)
    // nothing between: the midpoint rounds to one of the two
    expect([v, up]).toContain(v + (up - v) / 2)
  })

  it('a limit that still allows its value is coloured from the next number up, which reads back the same', () => {
    // the CO2 step: above 1000 by the least a double can be, and still so once the JSON is read back
    const co2 = steps('daycare-air-quality', /^二氧化碳/).find((x) => x.color === 'orange')!.value!
    expect(co2).toBeGreaterThan(1000)
    expect(co2 - 1000).toBeLessThan(1e-9)
    expect(JSON.parse(JSON.stringify(co2))).toBe(co2)
    expect(colourAt(steps('daycare-air-quality', /^二氧化碳/), co2)).toBe('orange')
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
