// Watts only: LED banks that switched on while a heater or cleaner ran are found, as it goes off, as a
// level over the background from before it, and by watts alone that is a charger's size. What tells them is
// the hour (issue 11): lights come on at the same time every evening and the circuit's floor
// (each half-hour's lowest background, less the compressors followed in it) rises then by their watts on
// earlier days, whatever stood in view that evening; a charger plugged in under the heater is no rise the
// circuit keeps, and it stands on top of the evening's floor where lights come on in view beside it.

import {
  type CircuitNormal,
  floorRiseAt,
  floorStoodAt,
  LIGHTS_MAX_W,
  standingFloor,
} from './stray-wire-circuit-normal.ts'

/** A floor's day-to-day wander (a photocell's minutes inside a half-hour) and meter error, W. */
const FLOOR_SLACK_W = 10
/** And a share of the rise: banks' drivers draw a few % more or less with the supply's voltage. */
const FLOOR_SLACK_SHARE = 0.12

/**
 * The level found as a heater or cleaner went off is the circuit's evening lights: the floor rises at the
 * hour the big load came on (floorRiseAt: the half-hour before it low, the two hours from the half-hour
 * after next higher, on earlier days) by the level's watts, and the background from before the big load
 * stands at the floor before that rise. A charger plugged in under the heater of the rise's size, on an
 * evening the lights come on as well, stands their watts above it; one plugged in after the lights came on
 * in view, before the heater, stands on a background already at the evening's floor.
 */
export function lightsAtFloorRise(
  n: CircuitNormal,
  levelW: number,
  backgroundW: number,
  utcOffsetMin: number,
  arrivedTs: number,
  wentOffTs: number,
): boolean {
  if (levelW > LIGHTS_MAX_W) return false
  const rise = floorRiseAt(n, arrivedTs, utcOffsetMin)
  if (!rise) return false
  const riseW = rise.afterW - rise.beforeW
  const slack = FLOOR_SLACK_W + FLOOR_SLACK_SHARE * riseW
  // the floors are learned without the compressors followed in the background: so is the level now
  const floorW = standingFloor(n, backgroundW, arrivedTs)
  if (Math.abs(floorW - rise.beforeW) > slack || Math.abs(levelW - riseW) > slack) return false
  // the lights stood all through the half-hour the big load went off in, on an earlier day (or nothing is
  // known of it yet): a charger plugged in under a heater that went off before their hour is not them
  return floorStoodAt(n, wentOffTs, utcOffsetMin, rise.afterW - slack)
}
