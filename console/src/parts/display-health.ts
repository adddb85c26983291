// An outdoor display's hardware health from its latest reading, with the catalogue's lines (the site's
// effective settings): overheating cabinet, a failed fan, failed modules, a supply rail outside its
// range, the cabinet door open, smoke, and a black or frozen picture while the screen is on.
import type { SiteSettings } from '../stores/site-settings.ts'
import type { OutdoorDisplayTelemetry } from '../types.ts'

export const DISPLAY_PROBLEMS = [
  'smoke',
  'overheatCritical',
  'overheat',
  'blank',
  'fan',
  'modules',
  'supply',
  'door',
] as const
export type DisplayProblem = (typeof DISPLAY_PROBLEMS)[number]

export type Limits = Pick<
  SiteSettings,
  'displayOverheatMajorC' | 'displayOverheatCriticalC' | 'displaySupplyMinV' | 'displaySupplyMaxV'
>

/** The reading's problems, worst first. Fields the display does not report are not judged. */
export function displayProblems(r: OutdoorDisplayTelemetry, lim: Limits | undefined): DisplayProblem[] {
  const out: DisplayProblem[] = []
  if (r.smoke === true) out.push('smoke')
  if (lim && r.cabinetTempC !== undefined) {
    if (r.cabinetTempC >= lim.displayOverheatCriticalC) out.push('overheatCritical')
    else if (r.cabinetTempC >= lim.displayOverheatMajorC) out.push('overheat')
  }
  if (r.powerOn !== false && (r.screen === 'black' || r.screen === 'frozen')) out.push('blank')
  if (r.fanOk === false) out.push('fan')
  if (r.failedModules !== undefined && r.failedModules > 0) out.push('modules')
  if (
    lim &&
    r.supplyVoltageV !== undefined &&
    (r.supplyVoltageV < lim.displaySupplyMinV || r.supplyVoltageV > lim.displaySupplyMaxV)
  )
    out.push('supply')
  if (r.doorOpen === true) out.push('door')
  return out
}
