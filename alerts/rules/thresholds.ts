// Hold time and hysteresis on event time: a condition raises only after it held for the hold time, an
// open alert clears only after the clear condition held for the clear time, and a value between the
// raise line and the clear line does neither — so a value hovering at either line cannot flap.
import { type Severity, severityRank } from '../../domain/alerts.ts'

/** Plain JSON (persisted): when each level's condition started, the open severity, the clear timer. */
export interface HoldState {
  open: Severity | null
  /** per severity: event time since which its condition has held without a break */
  since: Partial<Record<Severity, number>>
  clearSince: number | null
}

export interface HoldSpec {
  holdMs: number
  clearHoldMs: number
}

/** One level of a rule: its severity and whether this reading meets its condition. */
export interface Level {
  severity: Severity
  active: boolean
}

export type HoldChange = { kind: 'raise'; severity: Severity } | { kind: 'clear' }

function isEmpty(o: object): boolean {
  for (const _ in o) return false
  return true
}

export const initialHold = (): HoldState => ({ open: null, since: {}, clearSince: null })

/**
 * One reading at event time `ts`. `levels` in any order; `clearCond` is the clear condition (below the
 * clear line). `restart` forgets running timers (after a gap in the readings too long to vouch for).
 * A `raise` while open is an escalation: severity only ever rises while an alert is open.
 */
export function stepHold(
  prev: HoldState | undefined,
  ts: number,
  levels: readonly Level[],
  clearCond: boolean,
  spec: HoldSpec,
  restart = false,
): { state: HoldState; change?: HoldChange } {
  // the common case, nothing going on: no allocation (this runs per port per reading)
  if (prev && prev.open === null && !restart && levels.every((l) => !l.active) && isEmpty(prev.since))
    return { state: prev }
  const base = prev ?? initialHold()
  const s: HoldState = {
    open: base.open,
    since: restart ? {} : { ...base.since },
    clearSince: restart ? null : base.clearSince,
  }
  let held: Severity | null = null
  for (const l of levels) {
    if (!l.active) {
      delete s.since[l.severity]
      continue
    }
    const since = s.since[l.severity] ?? ts
    s.since[l.severity] = since
    if (ts - since >= spec.holdMs && (held === null || severityRank(l.severity) > severityRank(held)))
      held = l.severity
  }

  if (s.open === null) {
    if (held === null) return { state: s }
    s.open = held
    s.clearSince = null
    return { state: s, change: { kind: 'raise', severity: held } }
  }

  if (held !== null && severityRank(held) > severityRank(s.open)) {
    s.open = held
    s.clearSince = null
    return { state: s, change: { kind: 'raise', severity: held } }
  }
  if (!clearCond) {
    s.clearSince = null
    return { state: s }
  }
  const clearSince = s.clearSince ?? ts
  if (ts - clearSince < spec.clearHoldMs) {
    s.clearSince = clearSince
    return { state: s }
  }
  return { state: initialHold(), change: { kind: 'clear' } }
}
