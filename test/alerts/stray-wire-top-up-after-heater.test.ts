// A lithium top-up plugged in under a running heater slides down its taper beneath it; when the heater goes
// off, what stands over the circuit from before the heater is the charger, already under the least step a
// charger makes, with no step of its own in view. Its rectifier's harmonic current and its slide tell it.
import { describe, expect, it } from 'vitest'
import { chargerSession, maybeTopUp } from '../../simulators/physics/charger.ts'
import { charger, circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

const T0 = local('2026-01-10T21:00:00')

/** Dusk-to-dawn lamps on all along, and a 1.2 kW heater on 20–40 and 70–90 min after T0. */
const lamps = spans('lights-dusk-to-dawn', T0, 18, 0.97, 20, [[0, 240]])
const heater = spans('electric-heater', T0, 1200, 1, 3, [
  [20, 40],
  [70, 90],
])

/**
 * A 180 W lithium charger plugged into a pack three quarters full 4 min into the big load's first run: it
 * draws ~130 W at plug-in, under 85 W when that run ends, and cuts off half an hour later.
 */
const plugged = T0 + 24 * MIN + 30_000
const topUp = () =>
  chargerSession(
    maybeTopUp(
      charger(plugged, {
        chemistry: 'lithium',
        ccPowerW: 180,
        ccRise: 0.05,
        ccMin: 120,
        taperMin: 40,
        floatW: 2,
        powerFactor: 0.6,
        thdPct: 100,
        seed: 9,
      }),
      { share: 1, startDraw: [0.7, 0.7], floatMin: [0, 0] },
    ),
  )

describe('a top-up plugged in under a heater or cleaner', () => {
  // a floor machine's universal motor (PF 0.88, THD 35 %) over the same minutes as the heater
  const cleaner = spans('cleaning-machine', T0, 1000, 0.88, 35, [
    [20, 40],
    [70, 90],
  ])
  for (const [name, big] of [
    ['heater', heater],
    ['cleaner', cleaner],
  ] as const) {
    it(`is raised once the ${name} goes off and it slides as a taper over the circuit from before`, () => {
      const r = run(circuitSeries([lamps, big, topUp()], { fromMs: T0, minutes: 240, samples: 6 }))
      const raised = raises(r)
      expect(raised).toHaveLength(1)
      expect(raised[0]!.ts).toBeGreaterThan(T0 + 40 * MIN)
      expect(raised[0]!.ts - plugged).toBeLessThanOrEqual(30 * MIN)
    })
  }

  it('leaves LED banks that came on under the heater and hold flat after it', () => {
    // two 40 W banks of cheap drivers (PF 0.6, THD 110 %) switched on at dusk while the heater ran
    const banks = spans('led-banks', T0, 80, 0.6, 110, [[30, 240]])
    const r = run(circuitSeries([lamps, heater, banks], { fromMs: T0, minutes: 240, samples: 6 }))
    expect(raises(r)).toHaveLength(0)
  })
})
