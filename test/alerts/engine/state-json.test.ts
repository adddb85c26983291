// The snapshots' rule-state JSON (alerts/state-json.ts): the text JSON.stringify writes, with a large nested
// value (a detector state) that is the same object as at the last snapshot not serialised again.
import { describe, expect, it } from 'vitest'
import { evaluateDevice } from '../../../alerts/rules/index.ts'
import { createStateJson } from '../../../alerts/state-json.ts'
import type { DeviceRuleState } from '../../../alerts/types.ts'
import { circuit, device, MIN, settings } from '../rules/rules-support.ts'

/** A detector-sized nested value (~1 KB of JSON) that counts how often it is serialised (JSON.stringify calls toJSON each time). */
function counted(value: Record<string, unknown>) {
  value.readings = Array.from({ length: 200 }, (_, i) => 180 + i)
  const c = {
    calls: 0,
    value: {
      ...value,
      toJSON: () => {
        c.calls++
        return value
      },
    },
  }
  return c
}

describe('rule-state JSON for snapshots', () => {
  it('writes what JSON.stringify writes, for the states the rules return', () => {
    const sj = createStateJson()
    const dev = device('circuit-monitor')
    const t0 = Date.parse('2026-01-10T18:00:00+08:00')
    let state: DeviceRuleState = {}
    for (let i = 0; i < 90; i++) {
      const step = circuit(t0 + i * MIN, i > 40 && i < 70 ? 420 : 180, 0.62, 78)
      if (!('msg' in step)) throw new Error('a reading')
      state = evaluateDevice(state, {
        device: dev,
        msg: step.msg,
        arrivalMs: t0 + i * MIN,
        settings: settings(),
      }).state
      // each state twice: the second time its nested values come from the memo
      expect(sj.json(state)).toBe(JSON.stringify(state))
      expect(sj.json({ ...state, lastMessageAt: i })).toBe(JSON.stringify({ ...state, lastMessageAt: i }))
      sj.snapshotWritten()
    }
    const odd = { a: undefined, b: () => 1, c: null, d: Number.NaN, 'e"\n': 'x\u2028', 1: [undefined, 2] }
    expect(sj.json(odd)).toBe(JSON.stringify(odd))
  })

  it('serialises a nested value kept from one snapshot to the next once more, then not again', () => {
    const sj = createStateJson()
    const detector = counted({ baselineW: 180, readings: [1, 2, 3] })
    const at = (t: number) => ({ v: 1, lastMessageAt: t, strayWire: detector.value })
    const first = sj.json(at(1))
    sj.snapshotWritten()
    expect(detector.calls).toBe(1)
    // met again at the next snapshot: serialised, and from now on kept
    expect(sj.json(at(2))).toBe(JSON.stringify(at(2)))
    sj.snapshotWritten()
    const calls = detector.calls
    for (let t = 3; t < 10; t++) {
      expect(sj.json(at(t))).toBe(first.replace('"lastMessageAt":1', `"lastMessageAt":${t}`))
      sj.snapshotWritten()
    }
    expect(detector.calls).toBe(calls)
    // the detector ran: its new state is serialised
    const next = counted({ baselineW: 190, readings: [2, 3, 4] })
    expect(sj.json({ v: 1, lastMessageAt: 10, strayWire: next.value })).toContain('"baselineW":190')
    expect(next.calls).toBe(1)
  })

  it('lets go of what a snapshot did not use', () => {
    const sj = createStateJson()
    const detector = counted({ baselineW: 180 })
    sj.json({ strayWire: detector.value })
    sj.snapshotWritten()
    sj.json({ strayWire: detector.value })
    sj.snapshotWritten()
    // a snapshot without it (the device was not heard)
    sj.json({ strayWire: null })
    sj.snapshotWritten()
    const calls = detector.calls
    sj.json({ strayWire: detector.value })
    expect(detector.calls).toBe(calls + 1)
  })
})
