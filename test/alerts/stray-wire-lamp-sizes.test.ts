// Watts only: the circuit learns its motion lamps' sizes from the bursts they light for
// (alerts/stray-wire-lamp-sizes.ts), and a step that is one of its learned compressors with one of those
// lamps lit in the same minute (stray-wire-known-loads.ts compressorBesideLamp) is held back while the
// lamp's burst may end: once the lamp went off, what stands is matched as the compressor's run. A charger
// of the two's size is raised once that time is past.
import { describe, expect, it } from 'vitest'
import { knownLamps, type LampSize, withLampSize } from '../../alerts/stray-wire-lamp-sizes.ts'
import type { StrayWireState } from '../../alerts/stray-wire-types.ts'
import { chargerSession } from '../../simulators/physics/charger.ts'
import {
  charger,
  circuitSeries,
  knowing,
  learnedSignature,
  local,
  MIN,
  raisedOnceWithin,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

describe('the lamp sizes a circuit learns', () => {
  it('counts bursts of about one size as one lamp, its size their mean', () => {
    let sizes: readonly LampSize[] | undefined
    for (const w of [33, 35, 31, 59]) sizes = withLampSize(sizes, w)
    expect(sizes).toEqual([
      { w: 33, n: 3 },
      { w: 59, n: 1 },
    ])
    // a size seen once or twice is no lamp of the circuit's yet
    expect(knownLamps(sizes)).toEqual([33])
  })

  it("keeps nothing outside a lamp's watts", () => {
    expect(withLampSize(undefined, 5)).toBeUndefined()
    expect(withLampSize(undefined, 90)).toBeUndefined()
    // the same list back, not a copy: states share it, and a reading that teaches nothing allocates nothing
    const sizes = withLampSize(undefined, 33)
    expect(withLampSize(sizes, 90)).toBe(sizes)
  })
})

describe('watts only: a fridge starting as a motion lamp lights beside it', () => {
  // development scenario 35 of circuit-mixed-basic, 01-17: a dehumidifier (239 W) and LED banks (59 W)
  // stand; a 33 W motion lamp lights for a minute or two several times an hour; at 18:50 the fridge (74 W,
  // runs of up to 40 min) starts in the minute the lamp lights (retriggered, on 7 min). The step (107 W) is a
  // charger's size; 74 W alone is the fridge's.
  const t0 = local('2026-01-17T17:30:00')
  const bursts: [number, number][] = [
    [10, 12],
    [25, 26],
    [38, 40],
    [52, 54],
    [66, 67],
  ]
  const standing = [
    spans('dehumidifier', t0, 239, 0.8, 15, [[0, 300]]),
    spans('led-banks', t0, 59, 0.55, 120, [[0, 300]]),
  ]
  const lamp = (on: [number, number][]) => spans('lights-motion', t0, 33, 0.95, 10, on)
  const fridge = spans('fridge', t0, 74, 0.7, 15, [[80, 110]])
  const known = (): StrayWireState =>
    knowing(learnedSignature({ id: 'fridge', levelW: 74, count: 27, longestMin: 40, timedRuns: 12 }))
  const series = (loads: Parameters<typeof circuitSeries>[0]) =>
    circuitSeries(loads, { fromMs: t0, minutes: 300, waveform: false })

  it('raises nothing: the step is the fridge and a lamp the circuit knows, which goes off in its burst', () => {
    const loads = [...standing, lamp([...bursts, [80, 87]]), fridge]
    expect(raises(run(series(loads), undefined, false, known()))).toEqual([])
  })

  it('raises the same step where the circuit never saw that lamp go off (no lamp of its own)', () => {
    const loads = [...standing, lamp([[80, 87]]), fridge]
    expect(raises(run(series(loads), undefined, false, known()))).toHaveLength(1)
  })

  it("still raises a charger of the fridge and the lamp together, once a lamp's burst is past", () => {
    const plugged = t0 + 80 * MIN
    const loads = [...standing, lamp(bursts), spans('charger', t0, 107, 0.99, 5, [[80, 300]])]
    const raised = raisedOnceWithin(run(series(loads), undefined, false, known()), plugged, 12)
    expect(raised.kind === 'raise' && raised.onsetTs).toBe(plugged)
  })

  it('raises a charger plugged in as the lamp lights at once where its step is no fridge and lamp', () => {
    const plugged = t0 + 80 * MIN + 20_000
    const bike = chargerSession(charger(plugged, { ccPowerW: 150 }))
    const loads = [...standing, lamp([...bursts, [80, 87]]), bike]
    raisedOnceWithin(run(series(loads), undefined, false, known()), plugged, 15)
  })
})
