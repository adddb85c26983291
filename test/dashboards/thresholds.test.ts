// The numbers a person reads the panels against: GB/T 18883 bands on the day-care panels, the alert
// catalogue's limits elsewhere, and per-day buckets that start at local midnight.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { describe, expect, it } from 'vitest'
import { dayOffset } from '../../dashboards/config.ts'
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

  it.each([
    [480, '960m'],
    [0, '0m'],
    [-300, '300m'],
    [330, '1110m'],
  ])('a local day at UTC%+d min starts %s after 00:00 UTC', (utcOffsetMin, offset) => {
    expect(dayOffset({ utcOffsetMin })).toBe(offset)
  })
})
