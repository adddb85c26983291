// Day-by-day schedules shared by circuit and shed scenarios: stray chargers, cleaners, heaters, gaps.

import type { ChargerParams, LoadModel } from '../../simulators/index.ts'
import {
  type ChargerRanges,
  chance,
  chargerLoadEndMs,
  chargerSession,
  cleaningMachine,
  electricHeater,
  intBetween,
  maybeTopUp,
  type Rng,
  randomChargerParams,
  sampleChargerStartMinuteOfDay,
  uniform,
  withFilterCaps,
} from '../../simulators/index.ts'
import { type EvalRanges, type GapModel, MIN, type SessionLabel } from './scenario.ts'

const DAY = 1440 * MIN

export interface StraySchedule {
  loads: LoadModel[]
  labels: SessionLabel[]
}

/** About one stray session per night with probability perNight; never two at once on one circuit. */
export function strayChargers(
  rng: Rng,
  startMs: number,
  days: number,
  perNight: number,
  ranges: ChargerRanges,
  eveningShare: number,
  /** Share of chargers with active PFC; 0 draws nothing, so older families keep their sequences. */
  pfcShare = 0,
): StraySchedule {
  const loads: LoadModel[] = []
  const labels: SessionLabel[] = []
  let freeFrom = startMs
  for (let d = 0; d < days; d++) {
    if (!chance(rng, perNight)) continue
    const minute = sampleChargerStartMinuteOfDay(rng, eveningShare)
    // an evening start after midnight belongs to the same night
    const dayOffset = minute < 6 * 60 && chance(rng, 0.5) ? DAY : 0
    const start = startMs + d * DAY + dayOffset + minute * MIN + Math.floor(uniform(rng, 0, 59)) * 1000
    // the detector clears 10 min after the load goes; the next bike comes later than that
    if (start < freeFrom || start > startMs + days * DAY - 45 * MIN) continue
    const pfc = pfcShare > 0 && chance(rng, pfcShare)
    const drawn = randomChargerParams(rng, start, ranges, pfc)
    const params = withFilterCaps(maybeTopUp(drawn, ranges.topUp), ranges.pfcXCapVar)
    loads.push(chargerSession(params))
    const endTs = chargerLoadEndMs(params)
    labels.push({ startTs: start, endTs, ...(params.startPhaseMin === undefined ? {} : { topUp: true }) })
    freeFrom = params.startMs + params.totalMin * MIN + 30 * MIN
  }
  return { loads, labels }
}

/**
 * One resident's own charger on most days, often unplugged before its taper: plugged in on getting up
 * and unplugged on leaving for work, or topped up in the evening until the bike is "full enough". Such a
 * session is a flat step on and a step off some 20–90 min later (`unpluggedAfterMin`), no taper: by its
 * shape a compressor's run. The same charger comes back on later days at its own level: its CC current is fixed, so its input
 * power moves only with the pack's voltage at plug-in (a fuller pack starts higher, P = U·I) and the
 * mains, a few % (`ownChargerSpread`). A fuller pack also spends less time in CC before its taper.
 */
export function ownCharger(
  rng: Rng,
  startMs: number,
  days: number,
  perDay: number,
  ranges: EvalRanges,
  pfcShare = 0,
): StraySchedule {
  const own = withFilterCaps(
    randomChargerParams(rng, startMs, ranges.charger, pfcShare > 0 && chance(rng, pfcShare)),
    ranges.charger.pfcXCapVar,
  )
  const loads: LoadModel[] = []
  const labels: SessionLabel[] = []
  let freeFrom = startMs
  for (let d = 0; d < days; d++) {
    if (!chance(rng, perDay)) continue
    const cut = chance(rng, ranges.unpluggedShare)
    const morning = cut && chance(rng, 0.4)
    const minute = morning
      ? Math.floor(uniform(rng, 6 * 60, 8.5 * 60))
      : sampleChargerStartMinuteOfDay(rng, ranges.eveningShare)
    // an evening start after midnight belongs to the same night
    const dayOffset = minute < 6 * 60 && chance(rng, 0.5) ? DAY : 0
    const start = startMs + d * DAY + dayOffset + minute * MIN + Math.floor(uniform(rng, 0, 59)) * 1000
    const ccMin = own.ccMin * uniform(rng, 0.5, 1)
    const params: ChargerParams = {
      ...own,
      startMs: start,
      ccPowerW: own.ccPowerW * (1 + uniform(rng, -ranges.ownChargerSpread, ranges.ownChargerSpread)),
      ccMin,
      // unplugged in CC, or left to taper and float (or cut off) as its full sessions are
      totalMin: cut
        ? Math.min(ccMin, uniform(rng, ...ranges.unpluggedAfterMin))
        : own.totalMin - own.ccMin + ccMin,
      seed: Math.floor(rng() * 2 ** 32),
    }
    // the detector clears 10 min after the load goes; the bike comes back later than that
    if (start < freeFrom || start > startMs + days * DAY - 45 * MIN) continue
    loads.push(chargerSession(params))
    labels.push({ startTs: start, endTs: chargerLoadEndMs(params) })
    freeFrom = start + params.totalMin * MIN + 30 * MIN
  }
  return { loads, labels }
}

/** Cleaning rounds: mostly daytime, sometimes an evening round, 1–3 a day. */
export function cleaningRounds(rng: Rng, startMs: number, days: number, ranges: EvalRanges): LoadModel[] {
  const loads: LoadModel[] = []
  for (let d = 0; d < days; d++) {
    if (!chance(rng, 0.8)) continue
    const n = intBetween(rng, 1, 3)
    for (let i = 0; i < n; i++) {
      const evening = chance(rng, 0.2)
      const hour = evening ? uniform(rng, 18, 22) : uniform(rng, 7, 17)
      loads.push(
        cleaningMachine({
          startMs: startMs + d * DAY + Math.floor(hour * 60) * MIN + Math.floor(uniform(rng, 0, 59)) * 1000,
          durationMin: uniform(rng, ...ranges.cleaningMin),
          powerW: uniform(rng, ...ranges.cleaningW),
          powerFactor: uniform(rng, 0.8, 0.95),
          thdPct: uniform(rng, 15, 45),
          seed: Math.floor(rng() * 2 ** 32),
        }),
      )
    }
  }
  return loads
}

/** A guard's or cleaner's heater: long episodes, thermostat cycling. */
export function heaterEpisodes(rng: Rng, startMs: number, days: number, ranges: EvalRanges): LoadModel[] {
  const loads: LoadModel[] = []
  for (let d = 0; d < days; d++) {
    const n = intBetween(rng, 0, 2)
    for (let i = 0; i < n; i++) {
      const onMin = uniform(rng, 3, 20)
      loads.push(
        electricHeater({
          startMs: startMs + d * DAY + Math.floor(uniform(rng, 0, 1440)) * MIN,
          durationMin: uniform(rng, 60, 600),
          powerW: uniform(rng, ...ranges.heaterW),
          onMin,
          offMin: uniform(rng, 3, 25),
          phaseMin: uniform(rng, 0, onMin),
          seed: Math.floor(rng() * 2 ** 32),
        }),
      )
    }
  }
  return loads
}

export function gapModel(rng: Rng, startMs: number, days: number, ranges: EvalRanges): GapModel {
  const outages: GapModel['outages'] = []
  for (let d = 0; d < days; d++) {
    const n = intBetween(rng, 0, ranges.maxOutagesPerDay)
    for (let i = 0; i < n; i++) {
      const from = startMs + d * DAY + Math.floor(uniform(rng, 0, 1440)) * MIN
      outages.push({ fromMs: from, toMs: from + Math.floor(uniform(rng, 3, ranges.maxOutageMin)) * MIN })
    }
  }
  return { dropRate: uniform(rng, 0, ranges.maxDropRate), outages, seed: Math.floor(rng() * 2 ** 32) }
}
