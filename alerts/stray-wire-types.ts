// Inputs, state and output of the stray-wire charging detector (domain.md alert `stray_wire_charging`).
import type { CircuitNormal, LoadSignature, TaughtLoads } from './stray-wire-circuit-normal.ts'
import type { StrayWireEvidence } from './stray-wire-explain.ts'
import type { LagSign } from './stray-wire-lag-sign.ts'
import type { DuskLights, LightingWindow } from './stray-wire-schedule.ts'
import type { SecondStep } from './stray-wire-second-step.ts'
import type { SmallStep } from './stray-wire-small-taper.ts'

/** One circuit-monitor reading; PF and THD are optional in protocol v1, so the detector copes without. */
export interface CircuitInput {
  source: 'circuit'
  ts: number
  powerW: number
  powerFactor?: number
  currentThdPct?: number
}

/** One charging-pile reading reduced to what the residual needs: feeder power and the ports' sum. */
export interface ShedInput {
  source: 'shed'
  ts: number
  feederPowerW: number
  /** Σ ports[].powerW as metered by the ports (each ±2 %). */
  portsPowerW: number
}

export type StrayWireInput = CircuitInput | ShedInput

export type StrayWireSeverity = 'major' | 'critical'

export interface StrayWireParams {
  /** Local time decides severity and confirmation time; China: UTC+8 all year. */
  utcOffsetMin: number
  /** Smallest step that can be a charger's CC input (lead-acid starts at ~120 W; margin for meters). */
  minStepW: number
  /** Largest single charger (lithium ~350 W) with margin; above this the load is masked (cleaner, heater). */
  maxChargerW: number
  /** Excess below this is background (lights ≤ 60 W switch in and out of it). */
  quietW: number
  /**
   * Harmonic VA per excess W a rectifier charger shows at least (THD ≥ 60 % over DPF ≤ 1 gives ≥ 0.6;
   * even PF 0.8 / THD 50 % gives 0.56). LED drivers with PF > 0.9 stay under ~0.46, motors ~0.5.
   */
  minHarmonicRatio: number
  /** Minutes of charger-shaped load before raising, at night (18:00–06:00) and by day. */
  confirmNightMin: number
  confirmDayMin: number
  /**
   * More minutes for an undistorted (active-PFC) candidate: without harmonic current only the flat
   * plateau and its duration set it apart from other resistive loads of its size.
   */
  confirmPfcExtraMin: number
  /**
   * Smallest step an active-PFC charger makes (newer lithium chargers, ~130 W and up, less meter and
   * model margin); optional so parameters stored before it apply minStepW.
   */
  minPfcStepW?: number
  /** A candidate dies after this many consecutive quiet readings. */
  quietResetReadings: number
  /** domain.md: cleared when the load is gone for 10 min. */
  clearAfterMin: number
  /** While raised, an excess below this means the charger is gone (lead-acid float is ≥ ~4 W). */
  presentW: number
  /** Port meter error (fraction) and feeder meter error, for the shed residual's tolerance band. */
  portMeterError: number
  feederMeterError: number
  /** domain.md: a pile's own electronics and shed lighting draw up to about 60 W. */
  electronicsAllowanceW: number
  /** A longer silence than this forgets a candidate (the step can no longer be trusted). */
  maxGapMin: number
  /** When the site's lights switch on by timer (its alert settings); none: learned from history only. */
  lightingSchedule?: LightingWindow[]
  /** The site's lights switch on at dusk (a photocell or an astronomical timer; its alert settings). */
  lightsAtDusk?: boolean
  /** Minutes after sunset such a timer is set to switch (a photocell: 0, the default). */
  duskOffsetMin?: number
  /**
   * Where dusk is computed: the site's location with `duskOffsetMin`, attached by the engine's device
   * lookup (alerts/engine-devices.ts) where `lightsAtDusk` is set and the site has a location.
   */
  duskLights?: DuskLights
  /** What crews said (alerts/stray-wire-feedback.ts): loads that are not charging, learned ones undone. */
  feedback?: TaughtLoads
}

export const DEFAULT_STRAY_WIRE_PARAMS: StrayWireParams = Object.freeze({
  utcOffsetMin: 8 * 60,
  minStepW: 85,
  maxChargerW: 450,
  quietW: 30,
  minHarmonicRatio: 0.5,
  confirmNightMin: 6,
  confirmDayMin: 10,
  confirmPfcExtraMin: 3,
  minPfcStepW: 110,
  quietResetReadings: 3,
  clearAfterMin: 10,
  presentW: 12,
  portMeterError: 0.02,
  feederMeterError: 0.01,
  electronicsAllowanceW: 60,
  maxGapMin: 30,
})

/**
 * A compressor taken for stopping beside a sliding top-up (watts only): when, its watts, the charger's
 * level left over the lowered background, and the level at the last reading since with whether any reading
 * rose past the ripple from the one before it (another load came on: nothing then tells the compressor
 * stopping from the charger leaving). Replaced, never changed in place; the last two optional so states
 * persisted without them load.
 */
export interface StopBeside {
  ts: number
  w: number
  levelW: number
  lastW?: number
  rose?: boolean
  /**
   * An open alert's stop judged again from a reading that rose (stray-wire-step-beside-taper.ts
   * judgedAgainAfterRise): when the circuit fell, where the charger's absence counts from if it left.
   * Optional so states persisted without it load (their stop fell at ts).
   */
  fellTs?: number
}

export interface Candidate {
  onsetTs: number
  firstTs: number
  chargerReadings: number
  readings: number
  quietRun: number
  /** Charger-class excess seen so far: a CC phase is flat, a tool or motor is not. */
  minW: number
  maxW: number
  /** The charger's harmonic VA as seen unmasked; null without PF/THD. */
  harmonicVA: number | null
  /**
   * Where the meter reports PF and THD: its watts and reactive VA over the background, summed over its
   * unmasked readings whose background lagged (reactiveAdds: no LED drivers' leading current in it to
   * cancel part of a motor's in the meter's unsigned |Q|, or more reactive VA than they could lead by), and
   * how many. Optional so older states load.
   */
  lagging?: { w: number; q: number; n: number }
  /**
   * The same sums over every unmasked reading whose background carries no rectifier, also where a heater
   * or cleaner hid the candidate and a motor of the background may have stopped or started unseen: the
   * excess's reactive VA with whatever motor moved under it. Two of the circuit's compressors swapping
   * (one starting as the other stopped) claim that very move, and must fit it (followLagging).
   * Optional so older states load.
   */
  netLagging?: { w: number; q: number; n: number }
  /**
   * The same sums over unmasked readings whose background carries a rectifier's harmonic current (LED
   * drivers' leading current in it), with the most reactive VA its own can be: the meter's |Q| now plus the
   * background's (followLagging). Optional so older states load.
   */
  overLeading?: { w: number; q: number; n: number }
  /**
   * The same sums over unmasked readings whose background led for certain (backgroundLeads) and whose |Q|
   * rose past the background's: the load's own lagging reactive VA read exactly, |Q| now plus the
   * background's (followOverLeading). Optional so older states load.
   */
  pastLead?: { w: number; q: number; n: number }
  /** The background's |Q| summed over the same readings (a leading load's own is |Q| now less it). */
  pastLeadBackgroundQ?: number
  /** The background's watts when the first of those readings was taken: they join only while it stands. */
  overLeadingOnW?: number
  /**
   * The reading before its step, which its background is, lagged for certain though it carried LED
   * drivers' harmonic current (lagsForCertain: a motor's lag outweighed their lead): where the circuit
   * lags for certain still, the rise in |Q| is the candidate's own (followOverLeading). Optional so older
   * states load.
   */
  overLagging?: true
  /** Masked readings that look like a cleaner's motor rather than a heater over the charger. */
  motorReadings: number
  /** Readings masked by a big load, hidden charger or not. */
  bigReadings: number
  /** Readings where only the harmonic current showed the charger under a heater. */
  hiddenReadings: number
  /** The last few unmasked charger-class excesses, W (bounded: at most 10 kept). */
  recentW: number[]
  /**
   * When the last of recentW were read (epoch ms), pushed with them: a meter missing a reading puts two
   * minutes or more between two of them. Dropped (undefined) wherever recentW is rebuilt otherwise, then
   * pushed anew; the readings before the first of these count a minute each. Optional so older states load.
   */
  recentTs?: number[]
  /**
   * When readings that only the harmonic current showed under a heater were taken (a subset of recentTs):
   * their recentW is the level last seen, held, not a reading of the charger's watts. Optional so older
   * states load.
   */
  hiddenTs?: number[]
  /**
   * Watts only: one of the circuit's compressors taken for stopping beside the slide (its watts, when, and
   * the charger's level left over the lowered background), until the slide is seen going on beneath it
   * (stray-wire-step-beside-taper.ts, chargerLeftAsStop). Optional so older states load.
   */
  stopBeside?: StopBeside
  /**
   * Charger readings since the last reading masked by a big load; optional so a state persisted
   * before it existed still loads.
   */
  sinceBig?: number
  /** The level last seen before the current or last big load came on, W. */
  levelBeforeBigW?: number | null
  /** Times the level came back unchanged after a big load went off. */
  bridges?: number
  /** Arrived undistorted and with little reactive power: an active-PFC charger, watched longer. */
  pfc?: boolean
  /**
   * What was left under a heater or cleaner once one of the circuit's compressors, by its own reactive
   * current, was taken out (stray-wire-known-loads.ts, pfcBesideRun): that compressor is in the background.
   */
  besideRun?: boolean
  /** The excess of its first reading, W: the step it arrived with. */
  stepW?: number
  /**
   * Plugged in under a running heater, seen by its step on top of it: the heater's own watts and harmonic
   * VA over the background then (its element carries the supply's voltage distortion), which the readings
   * while that heater runs hold besides the charger's. Optional so older states load.
   */
  underHeater?: {
    w: number
    h: number
    /** The charger's harmonic VA as followed down its taper under the heater, and when last shown (ms). */
    chargerH?: number
    shownTs?: number
    /** The reactive VA over the background at the charger's step (the heater's and the charger's). */
    q?: number
  }
  /**
   * PF and THD, a candidate seen in view before the big load over it now: the reading just before that load
   * came on (W, harmonic and reactive VA), which what the load added is read against
   * (stray-wire-element-over.ts). Optional so older states load.
   */
  beforeBig?: { w: number; h: number; q: number }
  /**
   * Readings of a cleaner's bursts since the candidate was last seen, where it was kept under them
   * (stray-wire-bursts.ts); optional so older states load.
   */
  burstReadings?: number
  /**
   * Readings in a row (PF and THD) whose excess held one level below a charger's smallest, distorted no
   * more than LED drivers are; optional so states persisted before it load.
   */
  smallRun?: number
  /** The circuit's reading before its step, W (not after a big load); optional so older states load. */
  beforeW?: number
  /**
   * The reading before that one, W, where the reading before the step fell from it (not after a big load):
   * the level a compressor may have stopped from partway through that minute; optional so older states load.
   */
  fellFromW?: number
  /**
   * The background the step was measured over, W, where the reading before the step stood (held the one
   * before it) or fell below it: it follows a lamp switched in the minutes before a fraction a minute, so
   * the two may differ by the lamp. (A rise into that reading may be the step's own partial minute on an
   * averaging meter.) Optional so older states load.
   */
  baseW?: number
  /**
   * Watts only: a lamp's watts the circuit rose by in the minutes before the step, not seen to go off
   * before it, where the reading before the step stood. Optional so older states load.
   */
  lampBeforeW?: number
  /**
   * Watts only, found as a heater or cleaner went off: what the circuit stood at over the background in the
   * reading before that load came on (a level that held, lights switched on the background had not taken
   * yet), W. Optional so older states load.
   */
  standingBeforeBigW?: number
  /**
   * Watts only, found as a heater went off: the last step up the heater's run held to a new level with,
   * still its level when it went off (W, between the two levels' means, and when). Optional so older
   * states load.
   */
  stepUnderHeaterW?: number
  stepUnderHeaterTs?: number
  /**
   * A fall beside it in its first minutes that the background took (W, harmonic and reactive VA, and
   * when): on an averaging meter the first part of a lamp's, whose rest may show it came with the step.
   * Optional so older states load.
   */
  fell?: { w: number; h: number; q: number | null; ts: number }
}

export interface ActiveAlert {
  onsetTs: number
  raisedTs: number
  severity: StrayWireSeverity
  peakW: number
  lastPresentTs: number
  /** First reading without the charger since it was last seen, or null while it is there. */
  absentSinceTs: number | null
  /** An active-PFC charger: its presence is told by watts, it carries no harmonic current. */
  pfc?: boolean
  /** Watts only: a compressor taken for stopping beside its slide, not yet told from it leaving (Candidate). */
  stopBeside?: StopBeside
  /**
   * Watts only: its excess over the background at its last readings while there, and when each was read
   * (as a candidate's recentW and recentTs), begun from its candidate's unmasked ones as it was raised and
   * dropped while a heater or cleaner masks it: the slide a compressor's stop beside it is judged against.
   * Optional: older states (their alerts begin them at their next readings).
   */
  recentW?: number[]
  recentTs?: number[]
  /** A charger-shaped step that arrived under the alert, being watched (stray-wire-second-step.ts). */
  next?: SecondStep
  /** Steps already raised under the alert, W and harmonic VA (the last few): one that returns is not new. */
  raisedSteps?: { w: number; h: number }[]
  /**
   * Its harmonic VA per W when raised, where the meter reports THD: a distorted load stays visible by
   * its harmonic current whatever compressors do beside it. Optional so states persisted before it load.
   */
  harmonicPerW?: number
  /** Its harmonic VA when last seen (it falls with the charger's current through the taper). */
  harmonicVA?: number
  /**
   * The circuit's reading (W, harmonic VA, reactive VA; null on a meter without PF and THD) just before a
   * heater or cleaner came on under the alert: what is there when it goes off, and was not before, arrived
   * under it. Optional: older states (and their reactive VA).
   */
  beforeBig?: { w: number; h: number | null; q?: number | null }
  /**
   * Ids of the circuit's learned compressors followed stopping beside an active-PFC charger's
   * alert (stray-wire-baseline.ts): only such a compressor starting again is followed by its watts and
   * harmonic share alone. Optional: older states.
   */
  compressorsOff?: string[]
  /**
   * Raised as a load followed as a compressor's run that outlasted or faded (stray-wire-outlasted.ts): the
   * level it was followed at, W, its own where no episode measured it (its peak rises with a compressor's
   * run stepping on top of it). Optional: older states.
   */
  levelW?: number
}

/**
 * What crews taught that is in force for readings without PF and THD (stray-wire-detector.ts
 * taughtInForce), worked out from `params` and the circuit's `signatures`, and good while both are the same
 * objects: a device is handed the same parameters until its settings or its crews' answers change (the
 * engine builds them anew then, and the evaluation's crews too), and the circuit's normal replaces its
 * signatures array whenever it learns, matches, times or forgets one, never edits it in place. In memory
 * only: `toJSON` leaves it out of the persisted state, which would otherwise carry a copy of the parameters
 * and signatures; a restart works it out again on its first reading.
 */
export interface TaughtInForce {
  readonly params: StrayWireParams
  readonly signatures: readonly LoadSignature[]
  readonly inForce: StrayWireParams
  toJSON(): undefined
}

/** Plain JSON: persisted across restarts as is (but `taughtInForce`, which is left out). */
export interface StrayWireState {
  v: 1
  lastTs: number | null
  /** Background level (lights, electronics, residual meter offset), W; null until first quiet reading. */
  baselineW: number | null
  /** Background harmonic VA (circuits with PF and THD). */
  baselineH: number
  /** Background reactive VA of the fundamental; optional so states persisted before it load. */
  baselineQ?: number
  prevQ?: number | null
  /**
   * What the last reading told of the sign of the circuit's reactive VA (stray-wire-lag-sign.ts). Optional
   * so states persisted before it load.
   */
  lagSign?: LagSign
  /**
   * How far the meter's harmonic VA moves from one reading to the next where the watts held (nothing
   * switched): a running mean of the moves, and how many went into it (noteHarmonicNoise). Optional so
   * states persisted before it load.
   */
  harmonicNoise?: { va: number; n: number }
  prevW: number | null
  prevH: number | null
  /** The reading before prevW, W: a charger's step may straddle two meter intervals. */
  prev2W: number | null
  /**
   * Its harmonic VA (null without THD). Optional so states persisted before it load. Not `normal.recentH`'s
   * second last: that window starts again from one reading when a harmonic step off is learned, and this is
   * the reading before prevW whatever was learned.
   */
  prev2H?: number | null
  /** Its reactive VA (null without PF): a motor's step split over two readings. Optional, as prev2H. */
  prev2Q?: number | null
  /**
   * Readings in a row, up to the last one, that fell by a few W or more from the one before: a charger's
   * taper slides, a lamp steps. Optional so states persisted before it load.
   */
  fallRun?: number
  /** The previous reading was masked by a big load, under which a step cannot be seen. */
  prevBig: boolean
  /**
   * The reading before the previous one was: the previous one may be the first after the big load
   * went off, partial on an averaging meter. Optional so states persisted before it load.
   */
  prev2Big?: boolean
  /** When the current or last run of big-load readings began: a charger found after it may predate it. */
  bigSinceTs?: number | null
  /** The largest excess over the background in that run, W. */
  bigMaxW?: number
  /**
   * The harmonic and reactive VA per W of the big load last seen alone (no candidate, no alert), where the
   * meter reports PF and THD: a motor's brushes and triac distort its current by a share that holds while its watts
   * swing with the floor. Kept across a pause of a minute or two. Optional so states persisted before it load.
   */
  bigWaveform?: { hPerW: number; qPerW: number; n: number; lastTs: number; w?: number }
  /**
   * When a compressor's start was last followed beside an active-PFC charger (stray-wire-baseline.ts): a
   * heater or cleaner in the next reading makes it that load's partial minute. Optional so states persisted
   * before it load.
   */
  motorRiseTs?: number
  /**
   * The reading (W, harmonic VA) just before that run began: a level that is there unchanged when the
   * big load goes off was there before it too, and is no new load.
   */
  preBigW?: number | null
  preBigH?: number | null
  /** Its reactive VA, where the meter reports PF and THD. */
  preBigQ?: number | null
  /** That reading held the level of the one before it: a standing level, not a big load's partial minute. */
  preBigSteady?: boolean
  /**
   * A charger-sized step up inside a steady big load (a heater holds its watts): an active-PFC charger
   * plugged in under it shows only there. W and when; cleared when the next big run begins.
   */
  bigStepW?: number | null
  bigStepTs?: number | null
  /**
   * Where the meter reports PF and THD, the level a big load's run holds (mean of its last readings: W,
   * harmonic and reactive VA), a new level's first reading, and readings that held neither
   * (stray-wire-under-heater.ts). Optional so states persisted before it load.
   */
  bigLevel?: {
    w: number
    h: number
    q: number
    n: number
    swings: number
    /** The run's first reading over the one before it was a resistive load's (a heater's). */
    resistive: boolean
    pending?: { w: number; h: number; q: number; ts: number }
  }
  /**
   * A charger-sized step to a new level that held inside a steady big load (W, harmonic and reactive VA,
   * when it came), and when the big load went off. Optional so states persisted before it load.
   */
  arrivedUnderBig?: {
    from: { w: number; h: number; q: number }
    to: { w: number; h: number; q: number; n: number }
    ts: number
    /** The level it stepped to is still the run's. */
    current: boolean
    endTs?: number
  }
  /**
   * Rises taken into the background while a candidate or alert is followed (lights, a compressor beside
   * it), the last few: W, and harmonic and reactive VA where the meter reports them. Each is taken out
   * again when a fall of its size comes. Watts only, also the circuit's reading before the rise and the
   * background then (`fromW`, `baseW`): a fall back to that reading takes back all that rose since.
   * Optional so states persisted before it load.
   */
  beside?: { w: number; h: number | null; q: number | null; fromW?: number; baseW?: number }[]
  /**
   * Watts only: the last lamp-sized rise while nothing was followed, W and when, not seen to go off
   * again (stray-wire-detector.ts). Optional so states persisted before it load.
   */
  lampRise?: { w: number; ts: number }
  /**
   * Watts only: the sizes of lamps seen to light and go off again within a motion lamp's burst (a rise of
   * a lamp's watts, then a fall of about as much), W, each with how often it was seen
   * (stray-wire-lamp-sizes.ts). Optional so states persisted before it load.
   */
  lampSizes?: readonly { readonly w: number; readonly n: number }[]
  /**
   * Where the meter reports PF and THD: the last minute the circuit moved by a lamp's watts, with no heater
   * or cleaner in it or the minute before (stray-wire-detector.ts). Optional so older states load.
   */
  lampMoveTs?: number
  /** Consecutive readings just above quiet but below a charger: lights switched on, to be absorbed. */
  otherRun: number
  /**
   * Consecutive charger-sized readings with no candidate behind them (watts only); optional so a state
   * persisted before it existed still loads.
   */
  orphanRun?: number
  candidate: Candidate | null
  alert: ActiveAlert | null
  /**
   * A step too small for a candidate, followed to see whether it slides as a charger's taper does
   * (stray-wire-small-taper.ts). Optional so states persisted before it load.
   */
  smallStep?: SmallStep
  /** The circuit's last readings, W, a minute apart: whether it was sliding before a small step. */
  smallBefore?: number[]
  /** What this circuit does every day (stray-wire-circuit-normal.ts); optional so older states load. */
  normal?: CircuitNormal
  /** What crews taught that is in force, as last worked out; in memory only (see its type). */
  taughtInForce?: TaughtInForce
}

export type StrayWireVerdict =
  | {
      kind: 'raise'
      ts: number
      onsetTs: number
      severity: StrayWireSeverity
      powerW: number
      evidence: StrayWireEvidence
      /**
       * Raised under an open alert (stray-wire-second-step.ts): the onset of the load that alert stood
       * for. The detector's alert stands for the newcomer from now on.
       */
      replacesOnsetTs?: number
    }
  | { kind: 'escalate'; ts: number; onsetTs: number; severity: 'critical' }
  | { kind: 'clear'; ts: number; onsetTs: number }

export const initialStrayWireState = (): StrayWireState => ({
  v: 1,
  lastTs: null,
  baselineW: null,
  baselineH: 0,
  prevW: null,
  prevH: null,
  prev2W: null,
  prevBig: false,
  bigSinceTs: null,
  bigMaxW: 0,
  otherRun: 0,
  orphanRun: 0,
  candidate: null,
  alert: null,
})
