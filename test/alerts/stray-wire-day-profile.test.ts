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

  it('is raised the same where one reading in the motor’s half-hour came without PF and THD (a dropout)', () => {
    // one reading without PF leaves the half-hour's reactive VA the mean of the other 29: the motor's
    // lagging current was measured, a dropout does not make it unknown
    const pfc = chargerSession(pfcCharger(local('2026-01-07T19:08:00'), 265))
    const dropAt = local('2026-01-06T20:10:00')
    const dropped = [...series([pfc])].map((r) =>
      r.ts === dropAt && r.source === 'circuit' ? { source: r.source, ts: r.ts, powerW: r.powerW } : r,
    )
    const raised = raises(run(dropped))
    expect(raised).toHaveLength(1)
    expect(raised).toEqual(raises(run(series([pfc]))))
  })
})

describe('lights that came on under a heater at an hour when, the evening before, a load on top stood untaken', () => {
  // lamps (51 W) and active-PFC LED lights (180 W, till dawn) stand all the first evening; 19:20–21:40
  // a basement's dehumidifier (290 W, PF 0.8) and its low-PF LED banks (84 W) on one switch stood on
  // top, never taken into the background (together distorted, yet no rectifier's share). Those
  // half-hours learned the background's 231 W: their reactive VA must be the background's too, not the
  // reading's with the motor's lagging current in it. The next evening the PFC lights came on at 19:10
  // under a heater (19:00–20:10): when it goes off they are the usual level for the hour, not a charger.
  const t0 = local('2026-01-06T16:00:00')
  const day = 1440
  const loads = [
    spans('lights-always', t0, 51, 0.95, 20, [[-10, 2 * day]]),
    spans('pfc-lights', t0, 180, 0.98, 8, [
      [-10, 960],
      [day + 190, 2 * day],
    ]),
    spans('dehumidifier', t0, 290, 0.8, 15, [[200, 340]]),
    spans('led-banks', t0, 84, 0.57, 130, [[200, 340]]),
    spans('electric-heater', t0, 1500, 1, 3, [[day + 180, day + 250]]),
  ]

  it('raises nothing: the half-hours held the background’s reactive VA, not the load’s on top', () => {
    expect(raises(run(circuitSeries(loads, { fromMs: t0, minutes: day + 480, samples: 3 })))).toEqual([])
  })
})
