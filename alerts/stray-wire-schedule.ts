// A site's lighting schedule (its alert settings, `strayWire.lightingSchedule`): where lights run on a
// timer, the site knows when they switch on, and a load that arrives then, at a lights' size, is the
// lights (issue 11: "let a site's settings give the lighting schedule where known"). The circuit's own
// history teaches the same thing after a few days (stray-wire-circuit-normal.ts); this covers the first.
// Lights on a photocell or an astronomical timer switch at dusk instead, a time that moves through the
// year: from the site's location (its `location`, with `strayWire.lightsAtDusk`), by suncalc.
import { getTimes } from 'suncalc'
import { MIN } from './minute.ts'

const DAY = 1440 * MIN

export interface LightingWindow {
  /** Local minutes from midnight the lights switch on and off (off < on wraps past midnight). */
  onMin: number
  offMin: number
}

/**
 * A contactor switches at its minute; a timer's clock drifts a few minutes, banks on one timer close a
 * minute or two apart, and a one-minute meter may show the step a minute late.
 */
const SWITCH_SLACK_MIN = 10
/** Three banks of the largest cheap LED fittings, with margin (domain.md: 15–45 W each, 2–3 banks). */
const LIGHTS_MAX_W = 160

const localMinute = (ts: number, utcOffsetMin: number): number =>
  (((Math.floor(ts / MIN) + utcOffsetMin) % 1440) + 1440) % 1440

/** The load arrived when the site's lights switch on and is no bigger than lights are. */
export function switchedOnBySchedule(
  schedule: readonly LightingWindow[] | undefined,
  onsetTs: number,
  levelW: number,
  utcOffsetMin: number,
): boolean {
  if (!schedule || schedule.length === 0 || levelW > LIGHTS_MAX_W) return false
  const m = localMinute(onsetTs, utcOffsetMin)
  for (const w of schedule) {
    const d = Math.abs(m - w.onMin)
    if (Math.min(d, 1440 - d) <= SWITCH_SLACK_MIN) return true
  }
  return false
}

/** Where and how a site's lights follow dusk: a photocell (offset 0) or an astronomical timer's offset. */
export interface DuskLights {
  lat: number
  lon: number
  /** minutes after sunset an astronomical timer is set to switch; a photocell: 0 */
  offsetMin: number
}

/**
 * A photocell switches at a light level, not at a moment: on a dark winter afternoon or under heavy cloud
 * well before sunset, on a clear evening near the end of civil twilight (the sun 6° down). A load arriving
 * from this long before sunset to this long after civil dusk is at the lights' hour.
 */
const DUSK_EARLY_MIN = 30
const DUSK_LATE_MIN = 15

/**
 * The load arrived while the site's lights switch on at dusk and is no bigger than lights are. Where the
 * sun does not set that day (polar summer), or stays down, there is no dusk to switch at: false.
 */
export function switchedOnAtDusk(dusk: DuskLights | undefined, onsetTs: number, levelW: number): boolean {
  if (!dusk || levelW > LIGHTS_MAX_W) return false
  // suncalc gives the sun's times for the solar day the instant falls in (by longitude): an onset past
  // local solar midnight (a summer evening far north, a timer set late) belongs to the day before's dusk
  return [onsetTs, onsetTs - DAY].some((at) => {
    const t = getTimes(new Date(at), dusk.lat, dusk.lon)
    if (!t.sunset) return false
    // where the sun sets but civil twilight lasts all night (above ~60° in summer), an hour after sunset
    const duskTs = t.dusk?.getTime() ?? t.sunset.getTime() + 60 * MIN
    const from = t.sunset.getTime() + (dusk.offsetMin - DUSK_EARLY_MIN) * MIN
    const to = duskTs + (dusk.offsetMin + DUSK_LATE_MIN) * MIN
    return onsetTs >= from && onsetTs <= to
  })
}

/** The lights' hour from either source a site may give: its timer's windows, or dusk at its location. */
export function switchedOnAtLightsHour(
  params: { lightingSchedule?: readonly LightingWindow[]; duskLights?: DuskLights; utcOffsetMin: number },
  onsetTs: number,
  levelW: number,
): boolean {
  return (
    switchedOnBySchedule(params.lightingSchedule, onsetTs, levelW, params.utcOffsetMin) ||
    switchedOnAtDusk(params.duskLights, onsetTs, levelW)
  )
}
