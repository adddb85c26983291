import { describe, expect, it } from 'vitest'
import { PORT_FAULT_CODES } from '../../../domain/protocol.ts'
import {
  brief,
  device,
  display,
  event,
  local,
  MIN,
  perMinute,
  pile,
  room,
  run,
  SEC,
  type Step,
  settings,
} from './rules-support.ts'

const T0 = local('2026-07-06T14:00:00')
const at = (minute: number) => T0 + minute * MIN
const PILE = device('charging-pile')
const ROOM = device('daycare-sensor')
const SCREEN = device('outdoor-display')

describe('smoke', () => {
  const cases: { name: string; dev: typeof PILE; steps: Step[]; expected: ReturnType<typeof brief> }[] = [
    {
      name: 'a smoke_detected event raises critical at its ts',
      dev: PILE,
      steps: [pile(at(0)), event('charging-pile', at(0) + 7 * SEC, 'smoke_detected')],
      expected: [{ action: 'raise', type: 'smoke', severity: 'critical', at: at(0) + 7 * SEC }],
    },
    {
      name: 'smoke: true in pile telemetry raises once, not on every reading',
      dev: PILE,
      steps: perMinute(T0, [false, true, true, true], (ts, smoke) => pile(ts, { smoke })),
      expected: [{ action: 'raise', type: 'smoke', severity: 'critical', at: at(1) }],
    },
    {
      name: 'smoke: true on a display raises too',
      dev: SCREEN,
      steps: [display(at(0), { smoke: true })],
      expected: [{ action: 'raise', type: 'smoke', severity: 'critical', at: at(0) }],
    },
    {
      name: 'smoke: false for 2 minutes clears, at the reading that completes them',
      dev: PILE,
      steps: perMinute(T0, [true, false, false, false], (ts, smoke) => pile(ts, { smoke })),
      expected: [
        { action: 'raise', type: 'smoke', severity: 'critical', at: at(0) },
        { action: 'clear', type: 'smoke', at: at(3) },
      ],
    },
    {
      name: 'smoke_cleared is confirmed by a reading 2 minutes later that reports no smoke',
      dev: PILE,
      steps: [
        event('charging-pile', at(0), 'smoke_detected'),
        event('charging-pile', at(1), 'smoke_cleared'),
        pile(at(2)),
        pile(at(3)),
      ],
      expected: [
        { action: 'raise', type: 'smoke', severity: 'critical', at: at(0) },
        { action: 'clear', type: 'smoke', at: at(3) },
      ],
    },
    {
      name: 'smoke flickering on and off never clears (no flapping)',
      dev: PILE,
      steps: perMinute(
        T0,
        Array.from({ length: 20 }, (_, i) => i % 2 === 0),
        (ts, smoke) => pile(ts, { smoke }),
      ),
      expected: [{ action: 'raise', type: 'smoke', severity: 'critical', at: at(0) }],
    },
    {
      name: 'a smoke_detected event that arrives after a later reading still raises, at its own ts',
      dev: PILE,
      steps: [pile(at(1), { smoke: false }), event('charging-pile', at(1) - 2 * SEC, 'smoke_detected')],
      expected: [{ action: 'raise', type: 'smoke', severity: 'critical', at: at(1) - 2 * SEC }],
    },
    {
      name: 'a late smoke_detected older than the smoke_cleared already applied is stale',
      dev: PILE,
      steps: [
        event('charging-pile', at(0), 'smoke_detected'),
        event('charging-pile', at(2), 'smoke_cleared'),
        event('charging-pile', at(1), 'smoke_detected'),
        pile(at(4)),
      ],
      expected: [
        { action: 'raise', type: 'smoke', severity: 'critical', at: at(0) },
        { action: 'clear', type: 'smoke', at: at(4) },
      ],
    },
    {
      name: 'smoke: false without any smoke raises nothing (near miss)',
      dev: PILE,
      steps: perMinute(T0, [false, false, false], (ts, smoke) => pile(ts, { smoke })),
      expected: [],
    },
  ]
  for (const c of cases) it(c.name, () => expect(brief(run(c.dev, c.steps).signals)).toEqual(c.expected))
})

describe('port_fault', () => {
  const critical = new Set(['short_circuit', 'leakage', 'over_temperature'])
  for (const code of PORT_FAULT_CODES) {
    const severity = critical.has(code) ? 'critical' : 'major'
    it(`a ${code} fault raises ${severity} on its port, keyed by the code, and its _cleared event clears it`, () => {
      const { signals } = run(PILE, [
        event('charging-pile', at(0), 'port_fault', { port: 3, code, detail: 'x' }),
        event('charging-pile', at(4), 'port_fault_cleared', { port: 3, code }),
      ])
      expect(brief(signals)).toEqual([
        { action: 'raise', type: 'port_fault', severity, port: 3, key: code, at: at(0) },
        { action: 'clear', type: 'port_fault', port: 3, key: code, at: at(4) },
      ])
      expect(signals[0]!.message).toContain(code)
    })
  }

  it('keeps two codes on one port apart and clears only the one that cleared', () => {
    const { signals } = run(PILE, [
      event('charging-pile', at(0), 'port_fault', { port: 3, code: 'short_circuit' }),
      event('charging-pile', at(1), 'port_fault', { port: 3, code: 'relay_stuck' }),
      event('charging-pile', at(2), 'port_fault_cleared', { port: 3, code: 'relay_stuck' }),
    ])
    expect(brief(signals).map((s) => [s.action, s.key])).toEqual([
      ['raise', 'short_circuit'],
      ['raise', 'relay_stuck'],
      ['clear', 'relay_stuck'],
    ])
  })

  it('does not reopen a fault from a late event older than its _cleared', () => {
    const { signals } = run(PILE, [
      event('charging-pile', at(5), 'port_fault_cleared', { port: 3, code: 'over_current' }),
      event('charging-pile', at(1), 'port_fault', { port: 3, code: 'over_current' }),
    ])
    expect(brief(signals)).toEqual([
      { action: 'clear', type: 'port_fault', port: 3, key: 'over_current', at: at(5) },
    ])
  })

  it('repeats a raise for a repeated fault event (the engine counts it)', () => {
    const { signals } = run(PILE, [
      event('charging-pile', at(0), 'port_fault', { port: 1, code: 'meter_error' }),
      event('charging-pile', at(1), 'port_fault', { port: 1, code: 'meter_error' }),
    ])
    expect(signals.map((s) => s.action)).toEqual(['raise', 'raise'])
  })
})

describe('an event delivered twice (QoS 1 after a lost PUBACK)', () => {
  // protocol.md: (device, seq, ts) identifies a message; the same one again is not a repeat
  const cases = [
    { kind: 'charging-pile', name: 'port_fault', extra: { port: 1, code: 'leakage' } },
    { kind: 'daycare-sensor', name: 'emergency_call', extra: { room: 'nap-room' } },
    { kind: 'daycare-sensor', name: 'fall_detected', extra: { confidence: 0.9 } },
    { kind: 'daycare-sensor', name: 'door_open_after_hours', extra: {} },
  ] as const
  for (const c of cases)
    it(`raises for a ${c.name} once, and again for a later ${c.name} with its own seq`, () => {
      const first = event(c.kind, at(0), c.name, c.extra)
      const later = event(c.kind, at(1), c.name, c.extra)
      const { signals } = run(device(c.kind), [first, first, later])
      expect(signals.map((s) => [s.action, s.at])).toEqual([
        ['raise', at(0)],
        ['raise', at(1)],
      ])
    })
})

describe('emergency_call, fall_detected and wandering', () => {
  const cases: { name: string; steps: Step[]; expected: ReturnType<typeof brief> }[] = [
    {
      name: 'an emergency call raises critical',
      steps: [event('daycare-sensor', at(0), 'emergency_call', { room: 'nap-room' })],
      expected: [{ action: 'raise', type: 'emergency_call', severity: 'critical', at: at(0) }],
    },
    {
      name: 'a fall at confidence 0.7 raises critical',
      steps: [event('daycare-sensor', at(0), 'fall_detected', { confidence: 0.7 })],
      expected: [{ action: 'raise', type: 'fall_detected', severity: 'critical', at: at(0) }],
    },
    {
      name: 'a fall at confidence 0.69 raises nothing (near miss)',
      steps: [event('daycare-sensor', at(0), 'fall_detected', { confidence: 0.69 })],
      expected: [],
    },
    {
      name: 'a fall without a confidence is taken at the sensor’s word',
      steps: [event('daycare-sensor', at(0), 'fall_detected')],
      expected: [{ action: 'raise', type: 'fall_detected', severity: 'critical', at: at(0) }],
    },
    {
      name: 'a door open after hours raises wandering as major',
      steps: [event('daycare-sensor', at(0), 'door_open_after_hours', { door: 'garden' })],
      expected: [{ action: 'raise', type: 'wandering', severity: 'major', at: at(0) }],
    },
    {
      name: 'none of the three clears by itself: only staff clear them',
      steps: [
        event('daycare-sensor', at(0), 'emergency_call'),
        event('daycare-sensor', at(0), 'fall_detected', { confidence: 0.9 }),
        event('daycare-sensor', at(0), 'door_open_after_hours'),
        ...perMinute(
          at(1),
          Array.from({ length: 120 }, () => 600),
          (ts, co2Ppm) => room(ts, { co2Ppm, tempC: 24, humidityPct: 50 }),
        ),
      ],
      expected: [
        { action: 'raise', type: 'emergency_call', severity: 'critical', at: at(0) },
        { action: 'raise', type: 'fall_detected', severity: 'critical', at: at(0) },
        { action: 'raise', type: 'wandering', severity: 'major', at: at(0) },
      ],
    },
  ]
  for (const c of cases) it(c.name, () => expect(brief(run(ROOM, c.steps).signals)).toEqual(c.expected))

  it('follows an override of the fall confidence', () => {
    const steps = [event('daycare-sensor', at(0), 'fall_detected', { confidence: 0.75 })]
    expect(run(ROOM, steps, settings({ fallMinConfidence: 0.8 })).signals).toEqual([])
  })
})

describe('display_tamper', () => {
  const MAINT = settings({ maintenanceWindows: [{ startMin: 13 * 60 + 30, endMin: 15 * 60 }] })
  const cases: {
    name: string
    steps: Step[]
    cfg?: ReturnType<typeof settings>
    expected: ReturnType<typeof brief>
  }[] = [
    {
      name: 'a door_opened event raises major; door_closed clears',
      steps: [event('outdoor-display', at(0), 'door_opened'), event('outdoor-display', at(3), 'door_closed')],
      expected: [
        { action: 'raise', type: 'display_tamper', severity: 'major', at: at(0) },
        { action: 'clear', type: 'display_tamper', at: at(3) },
      ],
    },
    {
      name: 'doorOpen: true in telemetry raises once; doorOpen: false clears',
      steps: perMinute(T0, [false, true, true, true, false, false], (ts, doorOpen) =>
        display(ts, { doorOpen }),
      ),
      expected: [
        { action: 'raise', type: 'display_tamper', severity: 'major', at: at(1) },
        { action: 'clear', type: 'display_tamper', at: at(4) },
      ],
    },
    {
      name: 'a door_opened event that arrives after a later reading still raises',
      steps: [display(at(1), { doorOpen: false }), event('outdoor-display', at(1) - 5 * SEC, 'door_opened')],
      expected: [{ action: 'raise', type: 'display_tamper', severity: 'major', at: at(1) - 5 * SEC }],
    },
    {
      name: 'a door opened inside a daily maintenance window raises nothing (near miss)',
      cfg: MAINT,
      steps: [event('outdoor-display', at(0), 'door_opened'), display(at(1), { doorOpen: true })],
      expected: [],
    },
    {
      name: 'a door opened inside a one-off maintenance window raises nothing (near miss)',
      cfg: settings({ maintenanceWindows: [{ from: at(-10), to: at(10) }] }),
      steps: [event('outdoor-display', at(0), 'door_opened')],
      expected: [],
    },
    {
      name: 'a door left open after the maintenance window ends raises',
      cfg: settings({ maintenanceWindows: [{ from: at(-10), to: at(2) }] }),
      steps: perMinute(T0, [true, true, true], (ts, doorOpen) => display(ts, { doorOpen })),
      expected: [{ action: 'raise', type: 'display_tamper', severity: 'major', at: at(2) }],
    },
  ]
  for (const c of cases)
    it(c.name, () => expect(brief(run(SCREEN, c.steps, c.cfg).signals)).toEqual(c.expected))
})
