// Watts only: lights whose level sits at the least step a charger makes (minStepW, 85 W) read a little
// over it one minute and a little under it the next. Followed as a step, they are given up at the first
// reading under it, and that flat level is the background from then on (stray-wire-detector.ts heldFlat),
// where left to the background's own counts (three readings under the step in a row, or half an hour over
// it, each resetting the other) it stood over the background all evening, and a compressor starting later
// was measured with it (development circuit-mixed-basic 12@02-03: 74 + 14 W of lights reading 84-87 W, a
// once-learned 240 W dehumidifier raised with them as one 325 W step).
import { describe, expect, it } from 'vitest'
import { chargerSession } from '../../simulators/physics/charger.ts'
import {
  charger,
  circuitSeries,
  knowing,
  learnedSignature,
  local,
  MIN,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

describe('lights at the least charger step, watts only', () => {
  const t0 = local('2026-02-03T18:00:00')
  // banks on at 18:13 at 86.5 W; one reading under the step at 18:20 (a driver's dip), then 84.9 W, which
  // the meter reads either side of 85 W
  const lights = [
    spans('led-banks', t0, 86.5, 0.93, 18, [[13, 20]]),
    spans('led-banks', t0, 83, 0.93, 18, [[20, 21]]),
    spans('led-banks', t0, 84.9, 0.93, 18, [[21, 300]]),
  ]
  const known = () => knowing(learnedSignature({ id: 'dehumidifier', levelW: 240, count: 3 }))
  const series = (extra: typeof lights, minutes: number) =>
    circuitSeries([...lights, ...extra], { fromMs: t0, minutes, waveform: false })

  it('takes the flat level into the background at its reading under the step', () => {
    const { state } = run(series([], 40), undefined, false, known())
    expect(state.candidate).toBeNull()
    expect(state.baselineW).toBeGreaterThan(80)
  })

  it('measures a known compressor starting later over the lights, and raises nothing', () => {
    const dehumidifier = spans('dehumidifier', t0, 240, 0.8, 12, [[49, 170]])
    const r = run(series([dehumidifier], 200), undefined, false, known())
    expect(raises(r)).toEqual([])
  })

  it('still raises a charger plugged in over the lights', () => {
    const plugged = local('2026-02-03T18:40:00')
    const r = run(
      series([chargerSession(charger(plugged, { ccPowerW: 160 }))], 200),
      undefined,
      false,
      known(),
    )
    expect(raises(r)).toHaveLength(1)
    expect(raises(r)[0]!.ts - plugged).toBeLessThanOrEqual(30 * MIN)
  })
})
