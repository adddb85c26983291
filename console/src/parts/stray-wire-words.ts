// A stray-wire alert's evidence (alerts/stray-wire-explain.ts: the figures the detector weighed, stored on
// the alert as `evidence`) as sentences a crew can check on site, in the page's language. The server's
// `why` list is its English summary of the same figures and is not shown. A figure missing from the
// evidence (an older alert, a later detector) leaves its sentence out.
import type { LikeCompressor } from '../../../alerts/index.ts'
import { type Alert, type LearnedLoad, SIGNATURE_KIND_LIST } from '../types.ts'
import { known, type Words } from './words.ts'

const MIN_MS = 60_000
/** Half the plateau's spread, %, within which a charger in constant current counts as flat (the detector's). */
const FLAT_HALF_SPREAD_PCT = 5

const numberOf = (x: unknown): number | undefined =>
  typeof x === 'number' && Number.isFinite(x) ? x : undefined

type Facts = Pick<Alert, 'lastValue' | 'raisedAt' | 'evidence'>

/**
 * When the load began, at the site: the raise less the minutes it was seen before it. The detector
 * rounds those minutes, so this is the start to within a minute, and the sentence says "about".
 */
export function strayWireOnset(a: Facts): number | undefined {
  const held = numberOf(a.evidence?.heldMin)
  return held === undefined ? undefined : a.raisedAt - held * MIN_MS
}

/** `约 180 W 的充电器形负载不在任何充电端口上，约 23:53 开始` */
export function strayWireSummary(a: Facts, w: Words, utcOffsetMin?: number): string {
  // a load falling down its taper is said at what it drew when raised, the end of its fall
  const levelW =
    (a.evidence?.taper === 'tapering' ? numberOf(a.evidence.taperToW) : undefined) ??
    numberOf(a.evidence?.levelW) ??
    numberOf(a.lastValue)
  if (levelW === undefined) return w.tr('alertText.stray_wire_charging')
  const level = w.f.watts(Math.round(levelW))
  const onset = strayWireOnset(a)
  return onset === undefined
    ? w.tr('stray.summary', { level })
    : w.tr('stray.summarySince', { level, since: w.f.time(onset, utcOffsetMin) })
}

/** Why the detector took it for a charger, one sentence per figure. */
export function strayWireEvidence(evidence: Alert['evidence'], w: Words): string[] {
  if (!evidence) return []
  const { tr, f } = w
  const e = evidence
  const out: string[] = []
  const watts = (x: number) => f.watts(Math.round(x))
  const levelW = numberOf(e.levelW)
  const stepW = numberOf(e.stepW)
  const held = numberOf(e.heldMin)
  const spreadPct = numberOf(e.plateauSpreadPct)
  const onHeaterW = numberOf(e.onHeaterW)
  const taperFrom = numberOf(e.taperFromW)
  const taperTo = numberOf(e.taperToW)
  if (e.startedUnderLoad === true && levelW !== undefined)
    out.push(tr('stray.underLoad', { level: watts(levelW) }))
  else if (stepW !== undefined && onHeaterW !== undefined)
    out.push(tr('stray.stepOnHeater', { step: watts(stepW), heater: watts(onHeaterW) }))
  else if (stepW !== undefined) out.push(tr('stray.step', { step: watts(stepW) }))
  const like = likeCompressorOf(e.likeCompressor)
  if (like) {
    // its shape and waveform matched the compressor's: only what told it apart says why (as the server's)
    out.push(likeCompressorText(like, w))
    const usualW = numberOf(e.usualW)
    if (usualW !== undefined) out.push(tr('stray.usual', { usual: watts(usualW) }))
    return out
  }
  if (onHeaterW !== undefined && held !== undefined)
    // under the heater no plateau of its own was measured: its harmonic current is what held
    out.push(tr('stray.heldUnderHeater', { min: f.num(held) }))
  else if (levelW !== undefined && held !== undefined) {
    const half = spreadPct === undefined ? undefined : spreadPct / 2
    const vars = { level: watts(levelW), min: f.num(held), spread: f.num(half ?? 0, 1) }
    out.push(
      e.taper === 'tapering'
        ? taperFrom !== undefined && taperTo !== undefined
          ? tr('stray.taperingFrom', { ...vars, from: watts(taperFrom), to: watts(taperTo) })
          : tr('stray.tapering', vars)
        : half === undefined
          ? tr('stray.held', vars)
          : half <= FLAT_HALF_SPREAD_PCT
            ? tr('stray.flat', vars)
            : tr('stray.moving', vars),
    )
  }
  if (e.taper === 'not yet') out.push(tr('stray.noTaper'))
  const pf = numberOf(e.powerFactor)
  const thd = numberOf(e.currentThdPct)
  const perW = numberOf(e.harmonicPerW)
  if (e.activePfc === true)
    out.push(
      tr('stray.pfc', {
        pf: pf === undefined ? tr('words.unknown') : f.num(pf, 2),
        thd: thd === undefined ? tr('words.unknown') : f.percent(thd),
      }),
    )
  else if (perW !== undefined) out.push(tr('stray.rectifier', { ratio: f.num(perW, 2) }))
  const usualW = numberOf(e.usualW)
  if (usualW !== undefined) out.push(tr('stray.usual', { usual: watts(usualW) }))
  const knownLoads = numberOf(e.knownLoads)
  if (knownLoads !== undefined && knownLoads > 0) out.push(tr('stray.knownLoads', { n: f.num(knownLoads) }))
  return out
}

/**
 * A load of one of the circuit's compressors' size, followed as its run and told from one by its taper or
 * its length (alerts/stray-wire-explain.ts `LikeCompressor`); undefined where the figures are not all there.
 */
function likeCompressorOf(x: unknown): LikeCompressor | undefined {
  if (typeof x !== 'object' || x === null) return undefined
  const o = x as Record<string, unknown>
  const levelW = numberOf(o.levelW)
  const heldMin = numberOf(o.heldMin)
  if (levelW === undefined || heldMin === undefined) return undefined
  if (
    (o.by !== 'circuit' && o.by !== 'crew') ||
    (o.told !== 'faded' && o.told !== 'outlasted' && o.told !== 'ranAgain')
  )
    return undefined
  return {
    levelW,
    by: o.by,
    seenOnce: o.seenOnce === true,
    told: o.told,
    heldMin,
    timedRuns: numberOf(o.timedRuns) ?? 0,
    longestMin: numberOf(o.longestMin) ?? null,
  }
}

function likeCompressorText(c: LikeCompressor, w: Words): string {
  const level = w.f.watts(Math.round(c.levelW))
  const compressor = w.tr(
    c.by === 'crew'
      ? 'stray.compressorOfCrew'
      : c.seenOnce
        ? 'stray.compressorSeenOnce'
        : 'stray.compressorOfCircuit',
    { level },
  )
  const min = w.f.num(c.heldMin)
  if (c.told === 'faded') return w.tr('stray.faded', { compressor, min })
  if (c.told === 'ranAgain') return w.tr('stray.ranAgain', { compressor, min })
  return c.longestMin === null
    ? w.tr('stray.outlasted', { compressor, min })
    : w.tr('stray.outlastedRuns', {
        compressor,
        min,
        n: w.f.num(c.timedRuns),
        longest: w.f.num(c.longestMin),
      })
}

/** `18:30` from local minutes of the day */
const clock = (min: number): string =>
  `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`

/**
 * A load the stray-wire check takes for the circuit's normal, as one line: what it is, how big, when it
 * is on, and whether the circuit learned it or a crew said so. A crew's compressor that the circuit's own
 * (learned from their runs, in `all`) now account for says so, with their levels: loads of its size are
 * judged by those runs' lengths, and undoing them gives the crew's answer back.
 */
export function learnedLoadText(l: LearnedLoad, w: Words, all: readonly LearnedLoad[] = []): string {
  const what = known(SIGNATURE_KIND_LIST, l.kind) ? w.tr(`signature.${l.kind}`) : w.tr('signature.other')
  const when = l.window
    ? w.tr('learned.window', { from: clock(l.window.fromMin), to: clock(l.window.toMin) })
    : w.tr('learned.anyTime')
  const line = w.tr(l.source === 'crew' ? 'learned.byCrew' : 'learned.byCircuit', {
    what,
    level: w.f.watts(Math.round(l.levelW)),
    when,
  })
  const by = (l.handedTo ?? []).flatMap((id) => all.filter((x) => x.id === id))
  if (by.length === 0) return line
  const levels = by.map((x) => w.f.watts(Math.round(x.levelW))).join(' + ')
  return `${line} · ${w.tr('learned.handedOver', { levels })}`
}

/**
 * The API records a clear as not charging with the note `not charging: <kind>` (and the person's own
 * note in brackets): said in the page's language, the person's note kept as they wrote it.
 */
export function notChargingNote(note: string, w: Words): string | undefined {
  const m = /^not charging: (\w+)(?: \(([\s\S]*)\))?$/.exec(note)
  if (!m || !known(SIGNATURE_KIND_LIST, m[1])) return undefined
  const said = w.tr('alert.clearedNotCharging', { what: w.tr(`signature.${m[1]}`) })
  return m[2] === undefined ? said : w.tr('words.withValue', { what: said, value: m[2] })
}
