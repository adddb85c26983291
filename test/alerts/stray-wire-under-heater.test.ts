// An active-PFC charger plugged in under a heater, found when the heater goes off by the step it made on
// top of it (alerts/stray-wire-under-heater.ts), where the reading before the heater came on was no
// standing level (a lamp went off in the minute before it).
import { describe, expect, it } from 'vitest'
import { chargerSession } from '../../simulators/physics/charger.ts'
import { circuitSeries, heaterEvening, local, pfcCharger, raises, run, spans } from './stray-wire-support.ts'

describe('an active-PFC charger plugged in under a heater, after LED banks and a lamp came on between its runs', () => {
  // development scenario 6 of circuit-mixed-stray, 01-12: a dehumidifier (300 W, PF 0.78) all evening; a
  // 1.1 kW heater 17:56–18:19, 18:29–18:53, 19:03–19:26; a bank of low-PF LED lights (84 W) at 18:19:30
  // while the heater is off, so the background never takes it in before the heater comes on again; a
  // motion lamp (18 W) 18:20–18:27:30, gone in the minute before the heater; an active-PFC lithium charger
  // (200 W) plugged in at 18:47:30 under the heater. Readings average 3 instants a minute.
  const t0 = local('2026-01-05T16:30:00')
  const bank = spans('led-banks', t0, 84, 0.57, 130, [[109.5, 300]])
  const lamp = spans('lights-motion', t0, 18, 0.93, 15, [[110, 117.5]])
  const loads = [...heaterEvening(t0), bank, lamp]
  const series = (extra: typeof loads) =>
    circuitSeries([...loads, ...extra], { fromMs: t0, minutes: 300, samples: 3 })

  it('is raised in the heater’s pause, by its step on top of the heater over the reading before it', () => {
    const pfc = chargerSession(pfcCharger(local('2026-01-05T18:47:30'), 200))
    const raised = raises(run(series([pfc])))
    expect(raised).toHaveLength(1)
    // the heater pauses 18:53–19:03
    expect(raised[0]!.ts).toBeLessThan(local('2026-01-05T19:03:00'))
    expect(raised[0]!.evidence?.activePfc).toBe(true)
  })

  it('raises the same where the state is read back from JSON at every reading (a restart)', () => {
    const pfc = chargerSession(pfcCharger(local('2026-01-05T18:47:30'), 200))
    const restarted = raises(run(series([pfc]), undefined, true))
    expect(restarted).toHaveLength(1)
    expect(restarted).toEqual(raises(run(series([pfc]))))
  })

  it('raises nothing when a fridge of a charger’s size starts under the heater instead', () => {
    const fridge = spans('fridge', t0, 200, 0.72, 12, [[137.5, 300]])
    expect(raises(run(series([fridge])))).toEqual([])
  })

  it('raises nothing for the same evening without the charger', () => {
    expect(raises(run(series([])))).toEqual([])
  })
})
