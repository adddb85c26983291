import { MIN } from './minute.ts'
import { type LoadSignature, matchSignature } from './stray-wire-circuit-normal.ts'
import type { Observation } from './stray-wire-classify.ts'
import { TAPER_MAX_FALL, TAPER_MIN_FALL } from './stray-wire-evidence.ts'
import type { Candidate, StopBeside, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/**
 * Watts only: one of the circuit's compressors started or stopped beside a candidate sliding down its taper.
 * The PF+THD path tells a load leaving under a charger by the harmonic current the charger keeps
 * (leftUnderCharger); a watts-only meter has the watts alone, and a fridge stopping beside a top-up took the
 * excess under the least step (the candidate dropped as lights flickering), one starting beside it broke
 * its slide and the plateau with the motor's watts was taken for that compressor.
 *
 * A taper eases off smoothly (an exponential's falls shrink only by its rate), so over the minutes since the
 * last reading it went on falling as it fell a minute on average before, at most TAPER_MAX_FALL a minute. Its
 * fall is a minute's, not a reading's: a meter that missed a reading or two put two minutes or more between
 * two of the slide's, whose fall taken for one minute's overstated the taper's and hid the motor's step. A
 * motor starts or stops at once, by its own watts run after run (a learned compressor's level, matched as
 * closely as its runs repeat it). Where the circuit moved from the reading before by such a step on top of
 * the taper going on, the compressor moved the background and the charger slides on beneath it.
 *
 * Only over a slide: at least SLIDE_READINGS readings a minute apart with nothing masking them, every one a
 * fall from the one before by no more than a taper's largest over the minutes between them, as far as a
 * taper's least a minute on average. Lights going off a bank a minute, or lamps switching beside a flat
 * load, do not fall every minute.
 *
 * Returns the compressor and the watts the background moved by (negative for a stop), or undefined.
 */
export function compressorStepBesideTaper(
  s: StrayWireState,
  cand: SlideReadings,
  obs: Observation,
  params: StrayWireParams,
): { run: LoadSignature; movedW: number } | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA !== null) return undefined
  if (s.prevBig || s.prevW === null || s.lastTs === null || s.baselineW === null) return undefined
  const slide = slideBeside(cand)
  if (slide === undefined) return undefined
  const last = cand.recentW[cand.recentW.length - 1]!
  // the charger's level now: its slide going on over the minutes since the reading before (a meter
  // reporting every 20 s: a third of a minute's fall, not a minute's)
  const minutes = elapsedMin(s.lastTs, obs.ts)
  const rate = Math.min(TAPER_MAX_FALL, slide.ratePerMin)
  const expectedW = last * (1 - rate) ** minutes
  const movedW = obs.unexplainedW - s.prevW - (expectedW - last)
  // a step far past what the charger's slide could make: another load switched (the meter's ripple and a
  // taper's own fall are a few % of the circuit's watts)
  if (Math.abs(movedW) < params.minStepW * MOTOR_STEP_SHARE) return undefined
  const run = matchSignature(s.normal!, obs.ts, Math.abs(movedW), null, params.utcOffsetMin, params.feedback)
  if (run?.kind !== 'compressor') return undefined
  // it stopped: it must have been in the background the slide stood on
  if (movedW < 0 && s.baselineW + movedW < 0) return undefined
  return { run, movedW }
}

/** The readings a slide is judged by: a candidate's, or an open alert's (ActiveAlert.recentW). */
export type SlideReadings = Pick<Candidate, 'recentW' | 'recentTs' | 'sinceBig'>

/** Readings in a row a candidate's slide is judged by (two falls at least), and the most looked at. */
const SLIDE_READINGS = 3
const SLIDE_READINGS_MAX = 4
/** A compressor's step is at least this share of the least step a charger makes (fridges ~70 W). */
const MOTOR_STEP_SHARE = 0.6

/**
 * The candidate's last readings slide as a taper does; returns the share it fell by a minute, as an
 * exponential falls (compounded over the slide's minutes: its mean fall in watts, taken as a share of its
 * last and smallest reading, overstated it, the more so the more minutes it was carried over).
 *
 * Judged over readings a minute apart (MINUTE_APART), whatever the meter's rate: its tests are a minute's
 * (a fall every minute, by a taper's least a minute at least). On a meter reporting every 20 s a reading
 * falls a third of a taper's minute, under its least wherever the taper slides under 7.5 %/min, and the
 * ±1.5 % ripple lifts a slow one's readings over the one before: taken a minute each, the rule never
 * applied there.
 */
function slideBeside(cand: SlideReadings): { ratePerMin: number } | undefined {
  const w = cand.recentW
  // the last few readings, none of them masked by a big load
  const unmasked = Math.min(w.length, cand.sinceBig ?? w.length)
  if (unmasked < SLIDE_READINGS) return undefined
  // back from the last reading, each one kept a minute at least before the one kept after it
  const kept = [w.length - 1]
  for (let i = w.length - 2; i >= w.length - unmasked && kept.length < SLIDE_READINGS_MAX; i--)
    if (minutesApart(cand, i, kept[kept.length - 1]!) >= MINUTE_APART) kept.push(i)
  if (kept.length < SLIDE_READINGS) return undefined
  kept.reverse()
  let minutes = 0
  for (let k = 1; k < kept.length; k++) {
    const i = kept[k - 1]!
    const j = kept[k]!
    const dt = Math.max(1, Math.round(minutesApart(cand, i, j)))
    const fall = w[i]! - w[j]!
    // at most a taper's largest fall a minute, compounded over the minutes between the two readings
    if (!(fall > 0) || fall > (1 - (1 - TAPER_MAX_FALL) ** dt) * w[i]!) return undefined
    minutes += dt
  }
  const first = w[kept[0]!]!
  const slideW = first - w[w.length - 1]!
  if (slideW < TAPER_MIN_FALL * minutes * first) return undefined
  return { ratePerMin: 1 - (w[w.length - 1]! / first) ** (1 / minutes) }
}

/** Readings a minute apart at least, min: a minute less a meter's jitter in reporting (as small tapers'). */
const MINUTE_APART = 0.9

/**
 * Minutes between two of the candidate's recent readings, by when they were read; a minute a reading
 * where that was not kept (recentTs covers the last readings only).
 */
function minutesApart(cand: SlideReadings, i: number, j: number): number {
  const ts = cand.recentTs ?? []
  const offset = cand.recentW.length - ts.length
  if (i < offset || ts.length === 0) return j - i
  return (ts[j - offset]! - ts[i - offset]!) / MIN
}

/**
 * Minutes from one reading to the next: whole minutes on a meter reporting each minute (a missed reading
 * puts two between them; its jitter, none), the true share of one on a meter reporting more often.
 */
const elapsedMin = (fromTs: number, toTs: number): number => {
  const minutes = (toTs - fromTs) / MIN
  return minutes < MINUTE_APART ? minutes : Math.max(1, Math.round(minutes))
}

/**
 * Watts only, the minutes after one of the circuit's compressors was taken for stopping beside a sliding
 * top-up: a charger unplugged at that compressor's watts falls by them too, at once, and nothing in the
 * watts tells the two apart then. What follows does: a compressor stopping leaves the charger sliding on
 * beneath it (a taper's least, TAPER_MIN_FALL a minute, which its slide had), while the charger gone
 * leaves the compressor over the lowered background, flat or creeping up by its run's few %.
 *
 * Judged STOP_JUDGED_MIN after the stop (on the first reading not masked by a big load): the slide went on
 * where the level left fell by half a taper's least fall a minute at least, compounded over those minutes
 * as a taper's exponential falls (past the ±1.5 % ripple of either; a fall taken linearly in the minutes
 * went under zero past 80 min, and under a taper's least slide past 66, so a long heater run or a meter
 * gap made any slide "left"). A reading since the stop that rose from the one before past the ripple says
 * nothing of either: another load came on beside it, and its watts hide the slide's fall (a 40 W lamp two
 * minutes after a fridge truly stopped beside a 190 W top-up sliding 7 %/min: the level 4 min on stood over
 * the slide's, the fridge's watts were put back and the charger, still charging, went under them: cleared
 * 19 min early, or never raised). There the stop stands, as it did before this rule. Returns true where
 * the level held (the charger left: the background takes the compressor back), false where it slid on or
 * something came on beside it, undefined before that is known (stopSeen keeps the readings meanwhile).
 */
export function chargerLeftAsStop(stop: StopBeside, ts: number, levelW: number): boolean | undefined {
  const minutes = (ts - stop.ts) / MIN
  if (minutes < STOP_JUDGED_MIN) return undefined
  if (rosePastRipple(stop, levelW)) return false
  return levelW > stop.levelW * (1 - TAPER_MIN_FALL / 2) ** minutes
}

/**
 * An open alert's stop, where this reading rose past the ripple before the stop was judged: judged again
 * from this reading, as if the compressor had stopped now, the level it rose to the new mark. Another load
 * coming on (a lamp, a motion light) stands flat or creeps up; a charger still there slides on beneath it
 * by its taper's watts, a smaller share of the higher level but over the same minutes, while a charger
 * gone leaves the compressor and that load holding. Left standing on the rise (as a candidate's is), a
 * charger unplugged at a compressor's watts with a lamp coming on the minute after held its alert open on
 * the compressor's watts until its run ended (a fridge's 105 W run on 90 min: cleared at minute 102 after
 * the unplug, not 10). Undefined where no reading since the last judged rose; where the charger proves gone,
 * its absence counts from the fall (fellTs).
 */
export function judgedAgainAfterRise(stop: StopBeside, ts: number, levelW: number): StopBeside | undefined {
  // a candidate's stop that rose before its alert was raised is judged again from the alert's first reading
  if (!rosePastRipple(stop, levelW)) return undefined
  return { ts, w: stop.w, levelW, fellTs: stop.fellTs ?? stop.ts }
}

/** The stop beside the slide with one more reading of the level left seen (before it is judged). */
export const stopSeen = (stop: StopBeside, levelW: number): StopBeside => ({
  ...stop,
  lastW: levelW,
  rose: rosePastRipple(stop, levelW),
})

/**
 * A reading since the stop rose from the one before it past the ripple (a charger's ±1.5 %, a compressor's
 * run creeping, the meter's watt or two): another load came on beside it.
 */
const rosePastRipple = (stop: StopBeside, levelW: number): boolean =>
  stop.rose === true || levelW > (1 + STOP_RISE_SHARE) * (stop.lastW ?? stop.levelW) + STOP_RISE_W

const STOP_RISE_SHARE = 0.04
const STOP_RISE_W = 5

/** Minutes after a stop beside a slide that tell a taper going on from a level that holds. */
const STOP_JUDGED_MIN = 4
