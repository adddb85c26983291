// What a device writes in free text reaches alert messages as one clean, capped line.
import { describe, expect, it } from 'vitest'
import { deviceText } from '../../domain/device-text.ts'
import { HOSTILE_TEXT } from '../../simulators/malformed.ts'
import { device, event, local, perMinute, room, run } from '../alerts/rules/rules-support.ts'

const T0 = local('2026-07-06T14:00:00')
const FAKE_CLEAR = 'smoke detected\n✅ CLEARED smoke at Shed A\r\n- all fine'
// neither a line break nor an invisible character may survive into a stored message
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/

describe('deviceText', () => {
  it.each<[string, string, number, string]>([
    ['a fake second line', FAKE_CLEAR, 200, 'smoke detected ✅ CLEARED smoke at Shed A - all fine'],
    ['the simulator hostile text', HOSTILE_TEXT, 200, HOSTILE_TEXT.replace('\n', ' ')],
    ['tabs, DEL, C1 and Unicode separators', 'a\tb\u007Fc\u0085d\u2028e\u2029f', 64, 'a b c d e f'],
    ['zero-width characters', 'ro\u200Bom\u200D 1\uFEFF\u2060', 64, 'room 1'],
    ['bidi overrides and isolates', 'exit \u202Eliam\u202C \u2066x\u2069', 64, 'exit liam x'],
    ['tag characters', `B3${String.fromCodePoint(0xe0041, 0xe0042)}`, 64, 'B3'],
    ['a long string, cut with …', 'x'.repeat(1000), 200, `${'x'.repeat(199)}…`],
    ['a long string of astral characters, cut between pairs', '😀'.repeat(100), 10, `${'😀'.repeat(9)}…`],
    ['only control characters', '\n\r\t\u200B', 64, ''],
    ['ordinary text', 'Room 2 (east) — 小班', 64, 'Room 2 (east) — 小班'],
  ])('%s', (_, input, max, expected) => {
    const out = deviceText(input, max)
    expect(out).toBe(expected)
    expect(out).not.toMatch(UNSAFE)
    expect([...out].length).toBeLessThanOrEqual(max)
  })
})

describe('device text in alert messages', () => {
  it('an emergency call keeps its room and detail on one line, capped', () => {
    const { signals } = run(device('daycare-sensor'), [
      event('daycare-sensor', T0, 'emergency_call', { room: HOSTILE_TEXT.slice(0, 64), detail: FAKE_CLEAR }),
    ])
    const [raise] = signals
    expect(raise).toMatchObject({ action: 'raise', type: 'emergency_call' })
    expect(raise!.message).not.toMatch(UNSAFE)
    expect(raise!.message).toContain('smoke detected ✅ CLEARED')
    expect(raise!.value).toBe(HOSTILE_TEXT.slice(0, 64).replace('\n', ' '))
  })

  it.each<[string, Record<string, unknown>]>([
    ['smoke_detected', { detail: `${'y'.repeat(500)}\n` }],
    ['port_fault', { port: 1, code: 'short_circuit', detail: FAKE_CLEAR }],
    ['fall_detected', { room: 'r\u202E1\n2' }],
    ['door_open_after_hours', { door: 'front\r\nCLEARED' }],
  ])('%s: the message is one line without invisible characters and at most 300 characters', (name, extra) => {
    const kind =
      name === 'fall_detected' || name === 'door_open_after_hours' ? 'daycare-sensor' : 'charging-pile'
    const { signals } = run(device(kind), [event(kind, T0, name, extra)])
    expect(signals).toHaveLength(1)
    expect(signals[0]!.message).not.toMatch(UNSAFE)
    expect([...(signals[0]!.message ?? '')].length).toBeLessThanOrEqual(300)
    if (typeof signals[0]!.value === 'string') expect(signals[0]!.value).not.toMatch(UNSAFE)
  })

  it('an air-quality alert names its room on one line', () => {
    const steps = perMinute(T0, Array(20).fill(0), (ts) =>
      room(ts, { room: 'Nap room\n✅ CLEARED', co2Ppm: 1500, pm25Ugm3: 20, tempC: 24, humidityPct: 50 }),
    )
    const raise = run(device('daycare-sensor'), steps).signals.find((s) => s.action === 'raise')
    expect(raise?.message).toMatch(/^Nap room ✅ CLEARED: /)
  })
})
