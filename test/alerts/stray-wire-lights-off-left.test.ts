// Watts only: the lights leaving at dawn as a compressor starts (swappedWithLightsOff). What the lights
// took with them is the background over the floor the circuit keeps after their hour: a lamp's watts at
// least, never less than nothing.
import { describe, expect, it } from 'vitest'
import { type CircuitNormal, initialCircuitNormal } from '../../alerts/stray-wire-circuit-normal.ts'
import { swappedWithLightsOff } from '../../alerts/stray-wire-known-loads.ts'
import { learnedSignature, local, MIN } from './stray-wire-support.ts'

const onset = local('2026-01-25T06:55:00')
const dayOf = (ts: number) => Math.floor((Math.floor(ts / MIN) + 480) / 1440)

/** A circuit whose floor stood at `beforeW` from 06:00 to 06:30 and at `afterW` from 07:30 on, yesterday. */
function normalWithFloors(beforeW: number, afterW: number): CircuitNormal {
  const floor: (number | null)[] = Array(48).fill(null)
  floor[12] = beforeW
  for (let b = 15; b <= 18; b++) floor[b] = afterW
  return {
    ...initialCircuitNormal(),
    signatures: [learnedSignature({ id: 'dehumidifier', levelW: 288, count: 12 })],
    profile: {
      w: Array(48).fill(null),
      h: Array(48).fill(null),
      day: Array(48).fill(dayOf(onset) - 1),
      floor,
      acc: { bin: 13, day: dayOf(onset), w: 0, h: 0, n: 0 },
    },
  }
}

describe('a compressor starting as the lights go off at dawn (watts only)', () => {
  it('takes the lights’ watts out of the background: the floor fell by 53 W at that hour', () => {
    const swap = swappedWithLightsOff(normalWithFloors(60, 7), 288 - 53, onset, 60, 480)
    expect(swap?.started.id).toBe('dehumidifier')
    expect(swap!.leftW).toBeCloseTo(53, 0)
  })

  it('is no swap where the background stands at or under the morning’s floor: no lights left with it', () => {
    // the floor falls 12 W at that hour (a lamp); the background stands 20 W under the lights' floor, within
    // the slack of a 100 W floor, but under the morning's: the lights were off already, and the step is the
    // compressor's own 8 W off its level, no "lights leaving" of -8 W taken back into the background
    expect(swappedWithLightsOff(normalWithFloors(100, 88), 288 + 8, onset, 80, 480)).toBeUndefined()
  })
})
