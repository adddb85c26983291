// The day profile ("usual": what the circuit draws at each half-hour on earlier days) is the standing
// load: a compressor's run that stood in a half-hour on the one day it was learned does not make a charger
// of the compressor's watts, on top of the standing load another evening, pass for it.
import { describe, expect, it } from 'vitest'
import { chargerSession } from '../../simulators/physics/charger.ts'
import { circuitSeries, local, pfcCharger, raises, run, spans } from './stray-wire-support.ts'

describe('an active-PFC charger of a dehumidifier’s watts, on an evening after the dehumidifier ran at that hour', () => {
  // development scenario 27 of circuit-mixed-stray, 01-06 and 01-07: lamps (51 W) and low-PF LED banks
  // (105 W) all evening; on the first evening a dehumidifier (290 W, PF 0.8) ran 19:58–21:10, so the
  // half-hour from 20:00 learned 445 W; on the second a heater cycled 19:07–19:31 and an active-PFC lithium
  // charger (265 W) was plugged in under it at 19:08: found at 19:32 as 420 W in all, within a tenth of
  // the first evening's 445 W. Readings average 3 instants a minute.
  const t0 = local('2026-01-06T16:00:00')
  const day = 1440
  const lamps = spans('lights-always', t0, 51, 0.95, 20, [[-10, 2 * day]])
  const banks = spans('led-banks', t0, 84, 0.57, 130, [[-10, 2 * day]])
  const dehumidifier = spans('dehumidifier', t0, 290, 0.8, 15, [[238, 310]])
  const heater = spans('electric-heater', t0, 1500, 1, 3, [[day + 187, day + 211]])
  const loads = [lamps, banks, dehumidifier, heater]
  const series = (extra: typeof loads) =>
    circuitSeries([...loads, ...extra], { fromMs: t0, minutes: day + 480, samples: 3 })

  it('is raised when the heater goes off: the half-hour’s level held the motor’s lagging current', () => {
    const pfc = chargerSession(pfcCharger(local('2026-01-07T19:08:00'), 265))
    const raised = raises(run(series([pfc])))
    expect(raised).toHaveLength(1)
    expect(raised[0]!.ts).toBeGreaterThanOrEqual(local('2026-01-07T19:08:00'))
    expect(raised[0]!.ts).toBeLessThan(local('2026-01-07T19:50:00'))
  })

  it('raises the same where the state is read back from JSON at every reading (a restart)', () => {
    const pfc = chargerSession(pfcCharger(local('2026-01-07T19:08:00'), 265))
    expect(raises(run(series([pfc]), undefined, true))).toEqual(raises(run(series([pfc]))))
  })

  it('raises nothing for the same evenings without the charger', () => {
    expect(raises(run(series([])))).toEqual([])
  })
})
