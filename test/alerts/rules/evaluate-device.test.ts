import { describe, expect, it } from 'vitest'
import { evaluateDevice } from '../../../alerts/rules/index.ts'
import type { DecodedMessage } from '../../../domain/decode-message.ts'
import type { DeviceKind, Telemetry } from '../../../domain/protocol.ts'
import {
  brief,
  device,
  display,
  event,
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
const tsOf = (m: DecodedMessage): number =>
  m.type === 'telemetry' ? m.reading.ts : m.type === 'event' ? m.event.ts : 0
const PILE = device('charging-pile')

/** An afternoon of one pile: a port overheats and cools down, leakage, smoke, and a port fault. */
const afternoon = (): Step[] => [
  ...perMinute(T0, [...repeat(66, 3), ...repeat(77, 3), ...repeat(40, 8)], (ts, tempC) =>
    pile(ts, { ports: [{ port: 4, tempC }], leakageMA: tempC > 70 ? 31 : 3, smoke: tempC > 76 }),
  ),
  event('charging-pile', T0 + 20 * MIN, 'port_fault', { port: 4, code: 'relay_stuck' }),
]

describe('evaluateDevice on event time', () => {
  it('gives the same alerts at the same times whether the readings arrive live, an hour late or a week later', () => {
    const live = run(PILE, afternoon()).signals
    const shifted = (delayMs: number) =>
      run(
        PILE,
        afternoon().map((s) => ('msg' in s ? { msg: s.msg, arrivalMs: tsOf(s.msg) + delayMs } : s)),
      ).signals
    expect(brief(live).length).toBeGreaterThanOrEqual(6)
    expect(shifted(3600_000)).toEqual(live)
    expect(shifted(7 * 86_400_000)).toEqual(live)
  })

  it('raises the afternoon’s alerts with the ts of the deciding readings', () => {
    expect(brief(run(PILE, afternoon()).signals)).toEqual([
      { action: 'raise', type: 'port_overheat', severity: 'major', port: 4, at: T0 + 1 * MIN },
      { action: 'raise', type: 'smoke', severity: 'critical', at: T0 + 3 * MIN },
      { action: 'raise', type: 'leakage', severity: 'critical', at: T0 + 3 * MIN },
      { action: 'raise', type: 'port_overheat', severity: 'critical', port: 4, at: T0 + 4 * MIN },
      // still at 77 °C: stop_port is wanted still (the engine sends it again if the first failed)
      { action: 'protect', type: 'port_overheat', port: 4, at: T0 + 5 * MIN },
      { action: 'clear', type: 'smoke', at: T0 + 8 * MIN },
      { action: 'clear', type: 'port_overheat', port: 4, at: T0 + 11 * MIN },
      { action: 'clear', type: 'leakage', at: T0 + 11 * MIN },
      {
        action: 'raise',
        type: 'port_fault',
        severity: 'major',
        port: 4,
        key: 'relay_stuck',
        at: T0 + 20 * MIN,
      },
    ])
  })

  it('starts from the engine’s empty state and from a state of another version alike', () => {
    const input = {
      device: PILE,
      msg: (pile(T0, { leakageMA: 40 }) as { msg: never }).msg,
      arrivalMs: T0,
      settings: settings(),
    }
    const a = evaluateDevice({}, input)
    const b = evaluateDevice({ v: 0, junk: true }, input)
    expect(a.signals).toEqual(b.signals)
    expect(a.signals.map((s) => s.type)).toEqual(['leakage'])
  })

  it('counts a command ack as the device speaking, and nothing else', () => {
    const r = evaluateDevice(
      {},
      {
        device: device('outdoor-display'),
        msg: { type: 'command_ack', deviceId: 'dev-outdoor-display', ack: { id: 'c1', ok: true } },
        arrivalMs: T0,
        settings: settings(),
      },
    )
    expect(r.signals).toEqual([])
    expect(r.state['lastMessageAt']).toBe(T0)
  })

  it('ignores a redelivered duplicate reading', () => {
    const steps = [display(T0, { fanOk: false }), display(T0 + MIN, { fanOk: true })]
    const dup = { ...steps[0]! }
    const { signals } = run(device('outdoor-display'), [
      ...steps,
      dup,
      ...perMinute(T0 + 2 * MIN, repeat(true, 5), (ts, fanOk) => display(ts, { fanOk })),
    ])
    expect(brief(signals)).toEqual([
      { action: 'raise', type: 'display_hardware', severity: 'warning', at: T0 },
      { action: 'clear', type: 'display_hardware', at: T0 + 6 * MIN },
    ])
  })
})

describe('evaluateDevice on readings that omit fields (protocol: a field a device lacks is omitted)', () => {
  const bare = (kind: DeviceKind, ts: number, extra: Record<string, unknown> = {}): Step => ({
    msg: { type: 'telemetry', deviceId: 'dev-1', kind, reading: { ts, seq: 1, kind, ...extra } as Telemetry },
  })
  it.each([
    ['charging-pile', {}],
    ['charging-pile', { ports: [{ port: 1 }], feeder: { voltageV: 230 } }],
    ['circuit-monitor', {}],
    ['circuit-monitor', { voltageV: 229 }],
    ['daycare-sensor', {}],
    ['outdoor-display', {}],
    ['outdoor-display', { powerOn: true }],
  ] as Array<[DeviceKind, Record<string, unknown>]>)(
    'evaluates %s readings of only %j without an alert',
    (kind, extra) => {
      const steps = perMinute(T0, repeat(0, 30), (ts) => bare(kind, ts, extra))
      expect(run(device(kind), steps).signals).toEqual([])
    },
  )
})
