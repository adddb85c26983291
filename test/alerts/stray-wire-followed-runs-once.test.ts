// With PF and THD, a step in plain view right after a heater went off that is one of the circuit's
// compressors and an active-PFC charger together is split by the compressor's learned currents
// (chargerBesideStartInView). A compressor whose run is followed and still stands under the level before
// the step runs already: it is not the motor in the step (one motor runs once).
import { describe, expect, it } from 'vitest'
import { local, MIN, scenarioRaisesBetween } from './stray-wire-support.ts'

describe('a fridge and an active-PFC charger stepping on beside a followed dehumidifier (evaluation scenario)', () => {
  it('takes the fridge, not the running dehumidifier, out of the step and raises the charger', () => {
    // circuit-mixed-stray 34, 01-07: a heater goes off at 21:23 over the dehumidifier's followed 228 W run;
    // a 130 W fridge and a 289 W lithium charger (active PFC, in its taper) step on at 21:24-21:25. The
    // dehumidifier was taken out of the step instead, the background held it twice, and once it stopped
    // at 21:30 the charger's taper sank below a charger's step and was taken in: never raised
    const raised = scenarioRaisesBetween('circuit-mixed-stray', 34, '2026-01-07T21:20:00', 40)
    expect(raised).toHaveLength(1)
    expect(raised[0]!).toBeLessThan(local('2026-01-07T21:23:00') + 30 * MIN)
  })
})
