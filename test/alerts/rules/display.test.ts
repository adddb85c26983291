import { describe, expect, it } from 'vitest'
import type { OutdoorDisplayTelemetry } from '../../../domain/protocol.ts'
import {
  brief,
  device,
  display,
  event,
  local,
  MIN,
  perMinute,
  repeat,
  run,
  settings,
} from './rules-support.ts'

const DAY = local('2026-07-06T10:00:00')
const NIGHT = local('2026-07-06T02:00:00')
const SCREEN = device('outdoor-display')
type D = Partial<Omit<OutdoorDisplayTelemetry, 'ts' | 'kind' | 'seq'>>
const OK: D = { cabinetTempC: 40, fanOk: true, failedModules: 0, supplyVoltageV: 5 }
const series = (from: number, values: (D | undefined)[]) =>
  perMinute(from, values, (ts, v) => display(ts, { ...OK, ...v }))
const at = (from: number, minute: number) => from + minute * MIN
const BLACK: D = { screen: 'black' }
const FROZEN: D = { screen: 'frozen' }

type Case = { name: string; from: number; values: (D | undefined)[]; expected: ReturnType<typeof brief> }
const table = (cases: Case[], cfg?: ReturnType<typeof settings>) => {
  for (const c of cases)
    it(c.name, () => expect(brief(run(SCREEN, series(c.from, c.values), cfg).signals)).toEqual(c.expected))
}

describe('display_blank', () => {
  table([
    {
      name: 'a black screen while powered, inside operating hours, held 2 minutes raises major',
      from: DAY,
      values: [{}, BLACK, BLACK, BLACK],
      expected: [{ action: 'raise', type: 'display_blank', severity: 'major', at: at(DAY, 3) }],
    },
    {
      name: 'a frozen screen raises the same way',
      from: DAY,
      values: [FROZEN, FROZEN, FROZEN],
      expected: [{ action: 'raise', type: 'display_blank', severity: 'major', at: at(DAY, 2) }],
    },
    {
      name: 'black for a minute, then playing, raises nothing (near miss)',
      from: DAY,
      values: [BLACK, BLACK, {}, BLACK, BLACK, {}],
      expected: [],
    },
    {
      name: 'black outside operating hours raises nothing (near miss)',
      from: NIGHT,
      values: repeat(BLACK, 30),
      expected: [],
    },
    {
      name: 'black while powered off raises nothing (near miss)',
      from: DAY,
      values: repeat({ screen: 'black', powerOn: false }, 30),
      expected: [],
    },
    {
      name: 'clears as soon as it plays again',
      from: DAY,
      values: [BLACK, BLACK, BLACK, FROZEN, {}],
      expected: [
        { action: 'raise', type: 'display_blank', severity: 'major', at: at(DAY, 2) },
        { action: 'clear', type: 'display_blank', at: at(DAY, 4) },
      ],
    },
    {
      name: 'switched off while blank does not count as playing: it stays open',
      from: DAY,
      values: [BLACK, BLACK, BLACK, { screen: 'off', powerOn: false }, { screen: 'off', powerOn: false }],
      expected: [{ action: 'raise', type: 'display_blank', severity: 'major', at: at(DAY, 2) }],
    },
  ])

  describe('with the site’s own operating hours (20:00–02:00, across midnight)', () => {
    table(
      [
        {
          name: 'black at 01:00 raises',
          from: local('2026-07-06T01:00:00'),
          values: [BLACK, BLACK, BLACK],
          expected: [
            { action: 'raise', type: 'display_blank', severity: 'major', at: local('2026-07-06T01:02:00') },
          ],
        },
        { name: 'black at 10:00 raises nothing', from: DAY, values: repeat(BLACK, 10), expected: [] },
      ],
      settings({ operatingHours: [{ startMin: 20 * 60, endMin: 2 * 60 }] }),
    )
  })
})

describe('display_overheat', () => {
  table([
    {
      name: 'a cabinet at 61 °C held 2 minutes raises major',
      from: DAY,
      values: repeat({ cabinetTempC: 61 }, 3),
      expected: [{ action: 'raise', type: 'display_overheat', severity: 'major', at: at(DAY, 2) }],
    },
    {
      name: 'a cabinet at 71 °C held 2 minutes raises critical',
      from: DAY,
      values: repeat({ cabinetTempC: 71 }, 3),
      expected: [{ action: 'raise', type: 'display_overheat', severity: 'critical', at: at(DAY, 2) }],
    },
    {
      name: '61 °C for a minute and a half raises nothing (near miss)',
      from: DAY,
      values: [{ cabinetTempC: 61 }, { cabinetTempC: 61 }, { cabinetTempC: 59 }, { cabinetTempC: 61 }],
      expected: [],
    },
    {
      name: 'clears after 5 minutes under 55 °C',
      from: DAY,
      values: [...repeat({ cabinetTempC: 62 }, 3), { cabinetTempC: 57 }, ...repeat({ cabinetTempC: 50 }, 6)],
      expected: [
        { action: 'raise', type: 'display_overheat', severity: 'major', at: at(DAY, 2) },
        { action: 'clear', type: 'display_overheat', at: at(DAY, 9) },
      ],
    },
    {
      name: 'hovering at 60 °C never raises, hovering at 55 °C never clears',
      from: DAY,
      values: [
        ...Array.from({ length: 20 }, (_, i) => ({ cabinetTempC: i % 2 ? 59.9 : 60.1 })),
        ...repeat({ cabinetTempC: 62 }, 3),
        ...Array.from({ length: 20 }, (_, i) => ({ cabinetTempC: i % 2 ? 55.1 : 54.9 })),
      ],
      expected: [{ action: 'raise', type: 'display_overheat', severity: 'major', at: at(DAY, 22) }],
    },
  ])
})

describe('display_hardware', () => {
  table([
    {
      name: 'a failed fan raises a warning at once',
      from: DAY,
      values: [{}, { fanOk: false }],
      expected: [{ action: 'raise', type: 'display_hardware', severity: 'warning', at: at(DAY, 1) }],
    },
    {
      name: 'a failed module raises a warning',
      from: DAY,
      values: [{ failedModules: 2 }],
      expected: [{ action: 'raise', type: 'display_hardware', severity: 'warning', at: at(DAY, 0) }],
    },
    {
      name: 'a supply rail at 4.4 V raises a warning',
      from: DAY,
      values: [{ supplyVoltageV: 4.4 }],
      expected: [{ action: 'raise', type: 'display_hardware', severity: 'warning', at: at(DAY, 0) }],
    },
    {
      name: 'a supply rail at 5.6 V raises a warning',
      from: DAY,
      values: [{ supplyVoltageV: 5.6 }],
      expected: [{ action: 'raise', type: 'display_hardware', severity: 'warning', at: at(DAY, 0) }],
    },
    {
      name: 'a supply rail at exactly 4.5 V or 5.5 V is normal (near miss)',
      from: DAY,
      values: [{ supplyVoltageV: 4.5 }, { supplyVoltageV: 5.5 }],
      expected: [],
    },
    {
      name: 'clears after 5 minutes back to normal',
      from: DAY,
      values: [{ fanOk: false }, ...repeat({}, 6)],
      expected: [
        { action: 'raise', type: 'display_hardware', severity: 'warning', at: at(DAY, 0) },
        { action: 'clear', type: 'display_hardware', at: at(DAY, 6) },
      ],
    },
    {
      name: 'a fan that stutters (fails every other minute) stays open',
      from: DAY,
      values: Array.from({ length: 30 }, (_, i) => ({ fanOk: i % 2 === 1 })),
      expected: [{ action: 'raise', type: 'display_hardware', severity: 'warning', at: at(DAY, 0) }],
    },
  ])

  it('a module_failure event raises a warning, cleared by 5 minutes of normal readings', () => {
    const steps = [
      display(at(DAY, 0), OK),
      event('outdoor-display', at(DAY, 0) + 30_000, 'module_failure', { modules: 3 }),
      ...series(at(DAY, 1), repeat({}, 6)),
    ]
    const { signals } = run(SCREEN, steps)
    expect(brief(signals)).toEqual([
      { action: 'raise', type: 'display_hardware', severity: 'warning', at: at(DAY, 0) + 30_000 },
      { action: 'clear', type: 'display_hardware', at: at(DAY, 6) },
    ])
    expect(signals[0]!.message).toBe('3 failed modules')
    expect(signals[0]!.action === 'raise' && signals[0]!.evidence).toEqual({
      faults: [{ fault: 'modules', count: 3 }],
    })
    const bare = run(SCREEN, [
      display(at(DAY, 0), OK),
      event('outdoor-display', at(DAY, 0) + 1, 'module_failure'),
    ])
    expect(bare.signals[0]!.action === 'raise' && bare.signals[0]!.evidence).toEqual({
      faults: [{ fault: 'modules' }],
    })
    expect(bare.signals[0]!.message).toBe('module failure')
  })

  it('carries each fault in figures (fan, modules, the supply against its band) beside the message', () => {
    const { signals } = run(
      SCREEN,
      series(DAY, repeat({ fanOk: false, failedModules: 2, supplyVoltageV: 4.2 }, 3)),
    )
    expect(signals[0]!.message).toBe('fan failed; 2 failed modules; supply 4.2 V outside 4.5–5.5 V')
    expect(signals[0]!.action === 'raise' && signals[0]!.evidence).toEqual({
      faults: [
        { fault: 'fan' },
        { fault: 'modules', count: 2 },
        { fault: 'supply', voltageV: 4.2, minV: 4.5, maxV: 5.5 },
      ],
    })
  })
})
