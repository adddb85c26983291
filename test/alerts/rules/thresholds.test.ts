import { describe, expect, it } from 'vitest'
import { inAnyWindow, inDailyWindow, localTime } from '../../../alerts/rules/local-time.ts'
import { type HoldState, stepHold } from '../../../alerts/rules/thresholds.ts'
import { local } from './rules-support.ts'

describe('stepHold', () => {
  const spec = { holdMs: 60, clearHoldMs: 100 }
  /** [ts, major?, critical?, clear?] per reading → the changes it produced */
  const cases: { name: string; readings: [number, boolean, boolean, boolean][]; changes: string[] }[] = [
    {
      name: 'raises once the condition held for the hold time',
      readings: [
        [0, true, false, false],
        [30, true, false, false],
        [60, true, false, false],
        [90, true, false, false],
      ],
      changes: ['-', '-', 'raise major', '-'],
    },
    {
      name: 'a break in the condition restarts the hold',
      readings: [
        [0, true, false, false],
        [30, false, false, false],
        [60, true, false, false],
        [120, true, false, false],
      ],
      changes: ['-', '-', '-', 'raise major'],
    },
    {
      name: 'escalates while open, never de-escalates',
      readings: [
        [0, true, true, false],
        [60, true, true, false],
        [120, true, false, false],
      ],
      changes: ['-', 'raise critical', '-'],
    },
    {
      name: 'clears after the clear condition held for the clear time, and a break restarts it',
      readings: [
        [0, true, false, false],
        [60, true, false, false],
        [100, false, false, true],
        [150, false, false, false],
        [160, false, false, true],
        [259, false, false, true],
        [260, false, false, true],
      ],
      changes: ['-', 'raise major', '-', '-', '-', '-', 'clear'],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      let s: HoldState | undefined
      const changes: string[] = []
      for (const [ts, major, critical, clear] of c.readings) {
        const levels = [
          { severity: 'major' as const, active: major },
          { severity: 'critical' as const, active: critical },
        ]
        const r = stepHold(s, ts, levels, clear, spec)
        s = JSON.parse(JSON.stringify(r.state)) as HoldState
        changes.push(!r.change ? '-' : r.change.kind === 'clear' ? 'clear' : `raise ${r.change.severity}`)
      }
      expect(changes).toEqual(c.changes)
    })
  }

  it('forgets running timers on restart', () => {
    const first = stepHold(undefined, 0, [{ severity: 'major', active: true }], false, spec)
    expect(
      stepHold(first.state, 60, [{ severity: 'major', active: true }], false, spec, true).change,
    ).toBeUndefined()
    expect(stepHold(first.state, 60, [{ severity: 'major', active: true }], false, spec).change).toEqual({
      kind: 'raise',
      severity: 'major',
    })
  })
})

describe('local time windows', () => {
  const at = (iso: string) => localTime(local(iso), 480)
  const cases: { name: string; w: Parameters<typeof inDailyWindow>[0]; iso: string; inside: boolean }[] = [
    {
      name: 'inside a plain window',
      w: { startMin: 360, endMin: 1380 },
      iso: '2026-07-06T10:00:00',
      inside: true,
    },
    {
      name: 'at its end (exclusive)',
      w: { startMin: 360, endMin: 1380 },
      iso: '2026-07-06T23:00:00',
      inside: false,
    },
    {
      name: 'before midnight in a wrapped window',
      w: { startMin: 1320, endMin: 360 },
      iso: '2026-07-06T23:30:00',
      inside: true,
    },
    {
      name: 'after midnight in a wrapped window',
      w: { startMin: 1320, endMin: 360 },
      iso: '2026-07-07T05:59:00',
      inside: true,
    },
    {
      name: 'outside a wrapped window',
      w: { startMin: 1320, endMin: 360 },
      iso: '2026-07-07T06:00:00',
      inside: false,
    },
    // 2026-07-06 is a Monday
    {
      name: 'on a listed weekday',
      w: { startMin: 0, endMin: 1440, days: [1] },
      iso: '2026-07-06T12:00:00',
      inside: true,
    },
    {
      name: 'on an unlisted weekday',
      w: { startMin: 0, endMin: 1440, days: [2] },
      iso: '2026-07-06T12:00:00',
      inside: false,
    },
    {
      name: 'after midnight of a wrapped window that started on a listed day',
      w: { startMin: 1320, endMin: 360, days: [7] },
      iso: '2026-07-06T01:00:00',
      inside: true,
    },
  ]
  for (const c of cases)
    it(`is ${c.inside ? 'in' : 'out'} ${c.name}`, () => expect(inDailyWindow(c.w, at(c.iso))).toBe(c.inside))

  it('treats one-off windows as [from, to)', () => {
    expect(inAnyWindow([{ from: 100, to: 200 }], 100, 480)).toBe(true)
    expect(inAnyWindow([{ from: 100, to: 200 }], 200, 480)).toBe(false)
    expect(inAnyWindow([], 150, 480)).toBe(false)
  })

  it('reads month and weekday in local time', () => {
    expect(at('2026-05-01T00:30:00')).toEqual({ minuteOfDay: 30, isoDay: 5, month: 5 })
  })
})
