// An active-PFC lithium top-up plugged in under a running heater or cleaner slides down its taper beneath
// it; when the big load goes off, what stands over the circuit from before that load is the charger, with
// neither a rectifier's harmonic current nor a motor's reactive current, and no step of its own in view.
// Only its slide tells it (development circuit-mixed-stray#2@01-10T18:59, #112@01-26T19:12).
import { describe, expect, it } from 'vitest'
import { chargerSession, maybeTopUp } from '../../simulators/physics/charger.ts'
import { charger, circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

const T0 = local('2026-01-10T21:00:00')

/** Dusk-to-dawn lamps and two LED banks on all along (their drivers' harmonic and leading current). */
const lamps = spans('lights-dusk-to-dawn', T0, 18, 0.97, 20, [[0, 240]])
const banks = spans('led-banks', T0, 60, 0.6, 110, [[0, 240]])
const heater = spans('electric-heater', T0, 1300, 1, 3, [
  [20, 32],
  [80, 100],
])
/** A floor machine's universal motor (PF 0.88, THD 35 %) over the same minutes. */
const cleaner = spans('cleaning-machine', T0, 1000, 0.88, 35, [
  [20, 32],
  [80, 100],
])

/**
 * A 180 W active-PFC lithium charger plugged into a pack nearly full 4 min into the big load's first run:
 * ~120 W at plug-in, under the least step by the time that run ends, unplugged before the next one.
 */
const plugged = T0 + 24 * MIN + 30_000
const topUp = (seed: number) =>
  chargerSession(
    maybeTopUp(
      charger(plugged, {
        chemistry: 'lithium',
        ccPowerW: 180,
        ccRise: 0.05,
        ccMin: 120,
        taperMin: 30,
        floatW: 2,
        powerFactor: 0.98,
        thdPct: 8,
        pfc: true,
        seed,
      }),
      { share: 1, startDraw: [0.65, 0.65], floatMin: [0, 0] },
    ),
  )

describe('an active-PFC top-up plugged in under a heater or cleaner', () => {
  for (const [name, big] of [
    ['heater', heater],
    ['cleaner', cleaner],
  ] as const) {
    for (const seed of [3, 9]) {
      it(`is raised once the ${name} goes off and it slides as a taper (seed ${seed})`, () => {
        const r = run(
          circuitSeries([lamps, banks, big, topUp(seed)], { fromMs: T0, minutes: 240, samples: 6 }),
        )
        const raised = raises(r)
        expect(raised).toHaveLength(1)
        expect(raised[0]!.ts).toBeGreaterThan(T0 + 32 * MIN)
        expect(raised[0]!.ts - plugged).toBeLessThanOrEqual(30 * MIN)
      })
    }
  }

  it('leaves a lamp that came on under the heater and holds flat after it', () => {
    // a 40 W lamp of a good driver (PF 0.95, THD 10 %) switched on while the heater ran
    const lamp = spans('lights-dusk-to-dawn', T0, 40, 0.95, 10, [[26, 240]])
    const r = run(circuitSeries([lamps, banks, heater, lamp], { fromMs: T0, minutes: 240, samples: 6 }))
    expect(raises(r)).toHaveLength(0)
  })
})
