// One motor runs once (watts-only circuits): a load that steps on while one of the circuit's long-run
// compressors is followed as running is not that compressor starting, and a load at that compressor's level
// stepping on beside what was taken for its run shows which of the two the motor is. A charger of a
// dehumidifier's size, plugged in while it rested and unplugged in constant current before any of its runs
// would end, is told by nothing else.

import { MIN } from './minute.ts'
import { type LoadSignature, matchSignature, nearLevel, type RunWatch } from './stray-wire-circuit-normal.ts'
import type { Observation } from './stray-wire-classify.ts'
import { median, near } from './stray-wire-evidence.ts'
import { outlastAfterMin, TIMED_RUNS } from './stray-wire-outlasted.ts'
import type { Candidate, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/**
 * What crews said, with the circuit's compressors running since before the candidate arrived set aside:
 * one motor runs once, so a load that steps on while it runs is not it starting (a charger of a
 * dehumidifier's size plugged in during its run). Running: followed as its run (stray-wire-outlasted.ts)
 * and the background the candidate stepped over still holds that run's level over the background it
 * stepped on over; a run whose stop went unseen (under a heater, a background that fell since) is not.
 */
export function besideRunning(
  s: StrayWireState,
  cand: Candidate,
  feedback: StrayWireParams['feedback'],
): StrayWireParams['feedback'] {
  const before = (s.normal!.watches ?? []).filter((w) => w.onsetTs < cand.onsetTs)
  const plateauW = median(cand.recentW)
  const signatureOf = (w: RunWatch) => s.normal!.signatures.find((x) => x.id === w.signatureId)
  // each followed at its compressor's level: a run taken up as part of a swap (one load off as another
  // came on) stands for a difference, and then the levels tell nothing of which is running
  if (
    !before.every((w) => {
      const sig = signatureOf(w)
      return sig !== undefined && nearLevel(w.levelW, sig.levelW)
    })
  )
    return feedback
  const running = before.filter((w) => {
    const sig = signatureOf(w)
    // which of the two is the compressor: a motor's level repeats from run to run (one motor, one load),
    // a charger's is its battery's. Only a followed run nearer its compressor's level than the newcomer is
    // by more than runs differ is held to be it; of two as near, either may be the charger that was taken
    // for it first (the compressor's real run then steps on beside it): the newcomer tells nothing
    return (
      sig !== undefined &&
      runsStill(s, w, sig, before, cand.onsetTs) &&
      Math.abs(plateauW - sig.levelW) - Math.abs(w.levelW - sig.levelW) > RUN_REPEAT_SHARE * sig.levelW
    )
  })
  // one that started on top of the candidate and is followed still (compressorStartedOver) runs beside it
  const over = (s.normal!.watches ?? []).filter((w) => w.onsetTs > cand.onsetTs)
  if (running.length === 0 && over.length === 0) return feedback
  return {
    taught: feedback?.taught ?? [],
    forget: [...(feedback?.forget ?? []), ...[...running, ...over].map((w) => w.signatureId)],
  }
}

/**
 * A run followed as `sig`'s since before `onsetTs` still runs: its compressor's runs are long (see
 * LONG_RUN_OUTLAST_MIN), it has not been followed longer than any of them lasted (its stop went unseen:
 * under a heater, or as another load stepped), and the background still holds its level over the background
 * it was taken over (less the runs followed on top of it since).
 */
function runsStill(
  s: StrayWireState,
  w: RunWatch,
  sig: LoadSignature,
  before: readonly RunWatch[],
  onsetTs: number,
): boolean {
  // a compressor whose runs are short (a fridge's): a charger taken for one of them is raised soon
  // enough once it outlasts them, and its real run starting beside such a charger is no charger
  if (outlastAfterMin(sig) < LONG_RUN_OUTLAST_MIN) return false
  const longestMin = (sig.timedRuns ?? 0) >= TIMED_RUNS ? sig.longestMin : undefined
  if (longestMin !== undefined && onsetTs - w.onsetTs > longestMin * MIN) return false
  let overW = s.baselineW! - w.baseW
  for (const v of before) if (v !== w && v.onsetTs > w.onsetTs) overW -= v.levelW
  return Math.abs(overW - w.levelW) <= RUNNING_SHARE * w.levelW
}

/**
 * Watts only: the candidate, at the level of one of the circuit's long-run compressors, steps on while a
 * load followed as that compressor's run still runs, and stands nearer the compressor's level than that
 * load did by more than two of its runs differ. One motor runs once: the newcomer is the compressor's run,
 * and what was taken for it before was a charger of its size (plugged in while the compressor rested; its
 * session, cut short in constant current, ends before any of the compressor's runs would, so it is raised
 * by nothing else). Development circuit-unplugged-early-basic#13@01-30T07:26: a 273 W charger taken for the
 * 296 W dehumidifier's run, and 40 min later the dehumidifier starting at 292 W.
 */
export function ranBeforeIt(
  s: StrayWireState,
  cand: Candidate,
  sig: LoadSignature,
  plateauW: number,
): RunWatch | undefined {
  if (sig.kind !== 'compressor' || sig.source !== 'learned') return undefined
  const before = (s.normal!.watches ?? []).filter((w) => w.onsetTs < cand.onsetTs)
  return before.find(
    (w) =>
      w.signatureId === sig.id &&
      w.harmonicVA === null &&
      runsStill(s, w, sig, before, cand.onsetTs) &&
      Math.abs(w.levelW - sig.levelW) - Math.abs(plateauW - sig.levelW) > RUN_REPEAT_SHARE * sig.levelW,
  )
}

/**
 * Watts only: a step of a charger's size up from the candidate's own level (it stood at its step) that
 * takes the circuit past a charger's largest over the background, and is one of the circuit's learned
 * compressors starting, not one whose run is followed already (one motor, one run). Returns it and the step.
 */
export function compressorStartedOver(
  s: StrayWireState,
  cand: Candidate,
  obs: Observation,
  params: StrayWireParams,
): { sig: LoadSignature; stepW: number } | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA !== null || cand.stepW === undefined) return
  if (s.prevBig || s.prevW === null || !near(s.prevW - s.baselineW!, cand.stepW)) return
  const stepW = obs.unexplainedW - s.prevW
  if (stepW < params.minStepW || stepW > params.maxChargerW) return
  const sig = matchSignature(s.normal!, obs.ts, stepW, null, params.utcOffsetMin, params.feedback)
  if (sig?.kind !== 'compressor' || sig.source !== 'learned') return
  if ((s.normal!.watches ?? []).some((w) => w.signatureId === sig.id)) return
  return { sig, stepW }
}

/**
 * Where a load taken for a compressor's run is raised only this long after it arrived (a run of an hour
 * and more: a dehumidifier's), the charger it may be is into its taper or unplugged by then: only there is
 * a run that is followed already held to be the compressor, and what steps on beside it not.
 */
const LONG_RUN_OUTLAST_MIN = 90

/** Two runs of one compressor, each seen in its first minutes, differ by this share of its level at most. */
const RUN_REPEAT_SHARE = 0.03

/** A compressor's level as learned may be this share over what its run draws (its creep, the meter). */
const RUNNING_SHARE = 0.12
