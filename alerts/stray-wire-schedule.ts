// A site's lighting schedule (its alert settings, `strayWire.lightingSchedule`): where lights run on a
// timer, the site knows when they switch on, and a load that arrives then, at a lights' size, is the
// lights (issue 11: "let a site's settings give the lighting schedule where known"). The circuit's own
// history teaches the same thing after a few days (stray-wire-circuit-normal.ts); this covers the first.

const MIN = 60_000

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
