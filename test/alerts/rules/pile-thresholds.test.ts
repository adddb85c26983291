import { describe, expect, it } from 'vitest'
import type { RuleSignal } from '../../../alerts/types.ts'
import {
  brief,
  device,
  local,
  MIN,
  perMinute,
  pile,
  repeat,
  run,
  type Step,
  settings,
} from './rules-support.ts'

const T0 = local('2026-07-06T14:00:00')
const PILE = device('charging-pile')
/** Port 2's temperature per minute; port 1 stays cool. */
const temps = (values: (number | undefined)[], from = T0): Step[] =>
  perMinute(from, values, (ts, t) =>
    pile(ts, {
      ports: [
        { port: 1, tempC: 30 },
        { port: 2, tempC: t, state: 'charging', powerW: 180 },
      ],
    }),
  )
const at = (minute: number) => T0 + minute * MIN

describe('port_overheat', () => {
  const cases: { name: string; values: (number | undefined)[]; expected: ReturnType<typeof brief> }[] = [
    {
      name: 'a port held at 66 °C for a minute raises major on that port at the deciding reading',
      values: [50, 66, 66],
      expected: [{ action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(2) }],
    },
    {
      name: 'a port held at 76 °C for a minute raises critical at once',
      values: [76, 76],
      expected: [{ action: 'raise', type: 'port_overheat', severity: 'critical', port: 2, at: at(1) }],
    },
    {
      name: 'severity rises from major to critical while open, and never falls back',
      values: [66, 66, 76, 76, 70, 66],
      expected: [
        { action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(1) },
        { action: 'raise', type: 'port_overheat', severity: 'critical', port: 2, at: at(3) },
        // the port still charging while critical: stop_port is still wanted
        { action: 'protect', type: 'port_overheat', port: 2, at: at(4) },
        { action: 'protect', type: 'port_overheat', port: 2, at: at(5) },
      ],
    },
    {
      name: 'a spike shorter than the hold time does not raise (near miss)',
      values: [80, 60, 80, 60, 80, 60],
      expected: [],
    },
    {
      name: 'just under the line for an hour does not raise (near miss)',
      values: repeat(64.9, 60),
      expected: [],
    },
    {
      name: 'hovering at the line (64.9 / 65.1) never holds long enough to raise',
      values: Array.from({ length: 60 }, (_, i) => (i % 2 ? 65.1 : 64.9)),
      expected: [],
    },
    {
      name: 'clears only after 5 minutes under 55 °C, at the reading that completes them',
      values: [66, 66, 60, 54, 54, 54, 54, 54, 54],
      expected: [
        { action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(1) },
        { action: 'clear', type: 'port_overheat', port: 2, at: at(8) },
      ],
    },
    {
      name: 'between the clear line and the raise line it neither clears nor raises again',
      values: [66, 66, ...repeat(60, 30)],
      expected: [{ action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(1) }],
    },
    {
      name: 'hovering at the clear line (54.9 / 55.1) never clears',
      values: [66, 66, ...Array.from({ length: 30 }, (_, i) => (i % 2 ? 55.1 : 54.9))],
      expected: [{ action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(1) }],
    },
    {
      name: 'a missing minute inside the hold does not reset it',
      values: [66, undefined, 66],
      expected: [{ action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(2) }],
    },
    {
      name: 'a gap longer than the offline timeout restarts the hold',
      values: [66, undefined, undefined, undefined, undefined, 66, 66],
      expected: [{ action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(6) }],
    },
    {
      name: 'a re-raise after clearing needs the full hold again',
      values: [66, 66, 50, 50, 50, 50, 50, 50, 66, 66],
      expected: [
        { action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(1) },
        { action: 'clear', type: 'port_overheat', port: 2, at: at(7) },
        { action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(9) },
      ],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(brief(run(PILE, temps(c.values)).signals)).toEqual(c.expected)
    })
  }

  it('attaches stop_port once, to the first raise at critical', () => {
    const { signals } = run(PILE, temps([66, 66, 76, 76, 78, 50, 50, 50, 50, 50, 50, 76, 76]))
    const withCommand = signals.filter(
      (s): s is Extract<RuleSignal, { action: 'raise' }> => s.action === 'raise' && !!s.command,
    )
    expect(withCommand.map((s) => [s.at, s.command])).toEqual([
      [at(3), { name: 'stop_port', args: { port: 2, reason: 'overheat ≥ 75 °C' } }],
      // cleared in between: the next critical episode stops the port again
      [at(12), { name: 'stop_port', args: { port: 2, reason: 'overheat ≥ 75 °C' } }],
    ])
  })

  it('keeps asking for stop_port while critical and the port is still hot or charging, whatever became of the first', () => {
    // the reviewer's case: 85 °C and charging for an hour; the rule cannot know whether the first stop
    // worked, so every later reading says the stop is still wanted (the engine decides whether to resend)
    const hour = perMinute(T0, repeat(85, 61), (ts, tempC) =>
      pile(ts, { ports: [{ port: 1, tempC, state: 'charging', powerW: 200 }] }),
    )
    const { signals } = run(PILE, hour)
    const raised = signals.filter((s) => s.action === 'raise')
    expect(raised.map((s) => [s.at, s.action === 'raise' && s.command?.name])).toEqual([[at(1), 'stop_port']])
    const asked = signals.filter((s) => s.action === 'protect')
    expect(asked.map((s) => s.at)).toEqual(Array.from({ length: 59 }, (_, i) => at(i + 2)))
    expect(asked[0]).toMatchObject({
      port: 1,
      value: 85,
      command: { name: 'stop_port', args: { port: 1, reason: 'overheat ≥ 75 °C' } },
    })
  })

  it('stops asking once the port is off and below the critical line, and never for a major alert', () => {
    const readings = [
      [66, 'charging'],
      [66, 'charging'],
      [70, 'charging'],
      [76, 'charging'],
      [76, 'charging'],
      [77, 'full'],
      [70, 'full'],
      [60, 'idle'],
      [60, 'charging'],
    ] as const
    const steps = readings.map(([tempC, state], i) =>
      pile(at(i), { ports: [{ port: 2, tempC, state, powerW: state === 'charging' ? 180 : 0 }] }),
    )
    const asked = run(PILE, steps).signals.filter((s) => s.action === 'protect')
    // major at 66-70 °C charging: nothing; critical from at(4); at(5) still hot though full; at(6) and
    // at(7) off and under 75 °C: nothing; at(8) charging again: asked
    expect(asked.map((s) => s.at)).toEqual([at(5), at(8)])
  })

  it('keeps each port on its own timers', () => {
    const steps = perMinute(T0, [0, 1, 2], (ts, i) =>
      pile(ts, {
        ports: [
          { port: 1, tempC: i === 0 ? 66 : 50 },
          { port: 7, tempC: i === 0 ? 50 : 67 },
        ],
      }),
    )
    expect(brief(run(PILE, steps).signals)).toEqual([
      { action: 'raise', type: 'port_overheat', severity: 'major', port: 7, at: at(2) },
    ])
  })

  it('ignores a late reading for the hold timers', () => {
    const steps = [...temps([60, 66]), ...temps([90], T0 - 5 * MIN), ...temps([66], at(2))]
    // the 90 °C reading from before the hold started neither raises nor shortens the hold
    expect(brief(run(PILE, steps).signals)).toEqual([
      { action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(2) },
    ])
  })

  it('follows a site override of the thresholds', () => {
    const cfg = settings({ portOverheatMajorC: 70, portOverheatHoldS: 120 })
    expect(brief(run(PILE, temps([68, 68, 68, 71, 71, 71]), cfg).signals)).toEqual([
      { action: 'raise', type: 'port_overheat', severity: 'major', port: 2, at: at(5) },
    ])
  })
})

describe('leakage', () => {
  const leak = (values: (number | undefined)[]) =>
    perMinute(T0, values, (ts, ma) => pile(ts, { leakageMA: ma }))
  const cases: { name: string; values: (number | undefined)[]; expected: ReturnType<typeof brief> }[] = [
    {
      name: 'a feeder leakage of 30 mA raises critical at that reading',
      values: [4, 30],
      expected: [{ action: 'raise', type: 'leakage', severity: 'critical', at: at(1) }],
    },
    { name: 'just under 30 mA does not raise (near miss)', values: repeat(29.9, 30), expected: [] },
    {
      name: 'clears after 5 minutes under 15 mA',
      values: [31, 20, 14, 14, 14, 14, 14, 14],
      expected: [
        { action: 'raise', type: 'leakage', severity: 'critical', at: at(0) },
        { action: 'clear', type: 'leakage', at: at(7) },
      ],
    },
    {
      name: 'hovering at the raise line raises once and does not flap',
      values: Array.from({ length: 30 }, (_, i) => (i % 2 ? 31 : 29)),
      expected: [{ action: 'raise', type: 'leakage', severity: 'critical', at: at(1) }],
    },
    {
      name: 'hovering at the clear line (14.9 / 15.1) never clears',
      values: [31, ...Array.from({ length: 30 }, (_, i) => (i % 2 ? 15.1 : 14.9))],
      expected: [{ action: 'raise', type: 'leakage', severity: 'critical', at: at(0) }],
    },
    { name: 'a pile without a leakage meter raises nothing', values: [undefined], expected: [] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(brief(run(PILE, leak(c.values)).signals)).toEqual(c.expected)
    })
  }
})
