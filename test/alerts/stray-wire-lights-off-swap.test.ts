// Watts only: the circuit's lights going off at dawn in the minutes one of its compressors starts show as
// one step, the compressor's watts less the lights'. The circuit's floor falls at that hour every morning
// by the lights' watts; the background still standing at the lights' floor holds them, and the step with
// them added back is the compressor's run.
import { describe, expect, it } from 'vitest'
import { local, MIN, scenarioRaisesBetween } from './stray-wire-support.ts'

describe('a compressor starting as the lights go off at dawn (watts only, evaluation scenarios)', () => {
  it('takes the step for the dehumidifier’s run: the dusk-to-dawn lights left in the same minutes', () => {
    // circuit-mixed-basic 112, 01-25: 53 W dusk-to-dawn lights go off in a gap of readings at dawn as the
    // 288 W dehumidifier starts; the 241 W step was raised at 06:55
    expect(scenarioRaisesBetween('circuit-mixed-basic', 112, '2026-01-25T06:30:00', 60)).toEqual([])
  })

  it('still raises a charger found under a heater in the morning, where what left is unseen', () => {
    // circuit-unplugged-early-basic 105, 01-15: a 283 W charger plugged in under a heater as the fridge
    // stopped; its 205 W over the fridge's background and a motion lamp's floor fall made a dehumidifier
    expect(
      scenarioRaisesBetween('circuit-unplugged-early-basic', 105, '2026-01-15T07:50:00', 40),
    ).toHaveLength(1)
  })
})
