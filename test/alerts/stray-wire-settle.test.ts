// The stage in front of the detector that drops an averaging meter's partial minutes (a load switching
// mid-minute read as one reading between the old level and the new).
import { describe, expect, it } from 'vitest'
import {
  initialSettleState,
  type StrayWireSettleState,
  settleReading,
} from '../../alerts/stray-wire-settle.ts'
import type { CircuitInput, StrayWireInput } from '../../alerts/stray-wire-types.ts'
import { chargerSession } from '../../simulators/physics/charger.ts'
import { charger, circuitSeries, local, MIN, spans } from './stray-wire-support.ts'

const t0 = local('2026-01-05T20:00:00')

/** What the detector is fed, reading by reading; `from` is a state persisted before. */
function settle(inputs: Iterable<StrayWireInput>, from: StrayWireSettleState = initialSettleState()) {
  let state = from
  const fed: StrayWireInput[] = []
  for (const input of inputs) {
    const r = settleReading(state, input)
    state = JSON.parse(JSON.stringify(r.state)) as StrayWireSettleState
    fed.push(...r.inputs)
  }
  return { fed, state }
}

const watts = (minute: number, powerW: number): CircuitInput => ({
  source: 'circuit',
  ts: t0 + minute * MIN,
  powerW,
})
const minutesOf = (fed: StrayWireInput[]) => fed.map((i) => (i.ts - t0) / MIN)

describe('dropping partial minutes before the detector', () => {
  it('drops the reading an averaging meter took in part of a compressor’s start and stop, and no other', () => {
    // a 250 W compressor on 40 s into minute 10 and off 20 s into minute 50, beside 60 W of lights
    const compressor = spans('compressor', t0, 250, 0.8, 15, [[9 + 40 / 60, 49 + 20 / 60]])
    const lights = spans('lights', t0, 60, 0.95, 20, [[-1, 200]])
    const inputs = [
      ...circuitSeries([lights, compressor], { fromMs: t0, minutes: 90, samples: 4, waveform: false }),
    ]
    // as the meter reads it: one reading between the levels at each switch
    const between = inputs.filter((i) => i.source === 'circuit' && i.powerW > 90 && i.powerW < 280)
    expect(minutesOf(between)).toEqual([10, 50])
    const { fed, state } = settle(inputs)
    // every other reading goes on, in order; one that did not move goes on at once, not held back
    expect(minutesOf(fed)).toEqual(minutesOf(inputs).filter((m) => m !== 10 && m !== 50))
    expect(fed.every((i) => i.source !== 'circuit' || i.powerW < 90 || i.powerW > 280)).toBe(true)
    expect(state.held).toBeNull()
  })

  it('holds back a reading that moved until the next, and passes a meter that reports PF and THD straight on', () => {
    const inputs = [watts(0, 100), watts(1, 100), watts(2, 220), watts(3, 340), watts(4, 340)]
    const { fed, state } = settle(inputs)
    expect(minutesOf(fed)).toEqual([0, 1, 3, 4])
    expect(state.held).toBeNull()
    // a reading that moved waits for the next: it may be the part of a step the next completes
    expect(minutesOf(settle(inputs.slice(0, 4)).fed)).toEqual([0, 1])
    // with PF and THD, the partial minute carries the whole load's waveform, which the detector reads
    const waveform = inputs.map((i) => ({ ...i, powerFactor: 0.9, currentThdPct: 20 }))
    expect(minutesOf(settle(waveform).fed)).toEqual([0, 1, 2, 3, 4])
  })

  it('thins no slope: a charger’s taper loses no reading, and a charger’s step still reaches the detector', () => {
    const inputs = [
      ...circuitSeries([chargerSession(charger(t0 + 30 * MIN + 20_000, { ccMin: 30, taperMin: 60 }))], {
        fromMs: t0,
        minutes: 150,
        samples: 4,
        waveform: false,
      }),
    ]
    const { fed } = settle(inputs)
    // only the minute it was plugged in, in part
    expect(minutesOf(inputs.slice(0, -1)).filter((m) => !minutesOf(fed).includes(m))).toEqual([31])
    expect(fed.some((i) => i.source === 'circuit' && i.powerW > 150)).toBe(true)
    // a falling ramp of 15 W a minute: every reading lies between its neighbours
    const ramp = Array.from({ length: 20 }, (_, m) => watts(m, 400 - 15 * m))
    expect(settle(ramp).fed).toHaveLength(19)
  })

  it('drops a compressor’s partial start right after a lamp went off, the level between them standing', () => {
    // 60 W lights off 36 s into minute 11 (a partial minute, dropped), a 200 W compressor on 45 s into minute
    // 13: the 0 W of minute 12 is a level measured over a whole minute, though minute 11 lay far from it
    const lights = spans('lights', t0, 60, 0.95, 20, [[-1, 10.6]])
    const compressor = spans('compressor', t0, 200, 0.8, 15, [[12.75, 200]])
    const inputs = [
      ...circuitSeries([lights, compressor], { fromMs: t0, minutes: 20, samples: 4, waveform: false }),
    ]
    const partial = (i: StrayWireInput) =>
      i.source === 'circuit' && ((i.powerW > 15 && i.powerW < 50) || (i.powerW > 70 && i.powerW < 180))
    expect(minutesOf(inputs.filter(partial))).toEqual([11, 13])
    const { fed } = settle(inputs)
    // the detector sees 60 W, 0 W, then the compressor's whole 200 W: its step, not a part of it
    expect(minutesOf(fed)).toEqual(minutesOf(inputs).filter((m) => m !== 11 && m !== 13))
  })

  it('drops nothing beside a missing reading', () => {
    const before = [watts(0, 100), watts(1, 100), watts(2, 100)]
    expect(minutesOf(settle([...before, watts(3, 220), watts(5, 340), watts(6, 340)]).fed)).toEqual([
      0, 1, 2, 3, 5, 6,
    ])
    expect(minutesOf(settle([watts(0, 100), watts(2, 100), watts(3, 220), watts(4, 340)]).fed)).toEqual([
      0, 2, 3,
    ])
  })

  it('keeps the level between two loads a minute apart on a meter that reports the instant', () => {
    // a meter that reports the instant shows every step whole: forty compressor starts and stops
    const whole = Array.from({ length: 200 }, (_, m) => watts(m, m % 10 < 5 ? 100 : 300))
    const learned = settle(whole).state
    expect(learned.splitShare).toBeLessThan(0.25)
    // then a lamp and a charger switching on a minute apart: 150 W is a real level, not a partial minute
    const stairs = [200, 201, 202, 203, 204].map((m, k) => watts(m, [100, 100, 150, 350, 350][k]!))
    expect(minutesOf(settle(stairs, learned).fed)).toEqual([200, 201, 202, 203, 204])
    // a reading with PF and THD now and then does not make it forget what it learned of the meter
    const thd = { ...watts(199.5, 300), powerFactor: 0.9, currentThdPct: 20 }
    expect(settle([thd], learned).state.splitShare).toBe(learned.splitShare)
    // a meter not seen yet is taken to average
    expect(minutesOf(settle(stairs).fed)).toEqual([200, 201, 203, 204])
  })

  it('hands a PF and THD meter’s state on as it stands, reading after reading, and changes none in place', () => {
    // the stage runs for every circuit reading: for a meter it never holds back, nothing is built anew
    const thd = (minute: number): StrayWireInput => ({
      ...watts(minute, 300),
      powerFactor: 0.9,
      currentThdPct: 20,
    })
    const first = settleReading(initialSettleState(), thd(0)).state
    const kept = JSON.stringify(first)
    const next = settleReading(first, thd(1))
    expect(next.state).toBe(first)
    expect(next.inputs).toEqual([thd(1)])
    expect(JSON.stringify(first)).toBe(kept)
    // a reading held back before the meter sent PF and THD goes on with it, and the state is built anew
    const held = settleReading(settleReading(first, watts(2, 300)).state, watts(3, 420)).state
    expect(held.held).not.toBeNull()
    const on = settleReading(held, thd(4))
    expect(on.inputs).toEqual([watts(3, 420), thd(4)])
    expect(on.state).toEqual({ ...initialSettleState(), splitShare: held.splitShare })
    expect(Object.keys(on.state)).toEqual(Object.keys(initialSettleState()))
  })

  it('loads a state persisted before it learned what the meter does, and passes a shed’s residual on', () => {
    const { splitShare: _, ...old } = initialSettleState()
    expect(minutesOf(settle([watts(0, 100), watts(1, 100), watts(2, 220), watts(3, 340)], old).fed)).toEqual([
      0, 1,
    ])
    const shed: StrayWireInput = { source: 'shed', ts: t0 + 4 * MIN, feederPowerW: 500, portsPowerW: 300 }
    expect(settle([watts(0, 100), shed]).fed).toEqual([watts(0, 100), shed])
  })
})
