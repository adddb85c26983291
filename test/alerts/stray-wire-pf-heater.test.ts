// Chargers plugged in while a heater or cleaner ran, on meters that report PF and THD.
import { describe, expect, it } from 'vitest'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-types.ts'
import { runScenario } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_RANGES } from '../../eval/stray-wire/scenario.ts'
import { local, MIN } from './stray-wire-support.ts'

describe('an active-PFC charger plugged in under a heater as the dehumidifier stopped under it', () => {
  // development scenario 33 of circuit-unplugged-early: the dehumidifier (242 W, PF 0.81) runs; a 1.5 kW
  // heater comes on at 06:55, the dehumidifier stops under it at 06:57, and a 250 W active-PFC charger
  // (PF 0.97) is plugged in at 06:58. When the heater goes off at 07:02 the level is the dehumidifier's
  // but its reactive current is not: the motor's went. The background without the motor kept the
  // charger's own var (the whole fall of |Q| was taken as the motor's), so the charger read no var of its
  // own, was never told from the dehumidifier and was taken for its run
  it('finds that session', () => {
    const sc = buildScenario('circuit-unplugged-early', 33, 3, DEV_RANGES)
    const session = sc.sessions.find((x) => Math.abs(x.startTs - local('2026-01-09T06:58:00')) <= MIN)
    expect(session, 'the morning session of the scenario').toBeDefined()
    const r = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS)
    expect(r.missedAt).not.toContain(session!.startTs)
  })
})
