// What every rule gets besides the state: the device, its resolved settings and the arrival time.
import type { CatalogueSettings } from '../settings.ts'
import type { RuleDevice, RuleSignal } from '../types.ts'

export interface RuleContext {
  device: RuleDevice
  cfg: CatalogueSettings
  /** wall clock arrival, epoch ms */
  arrivalMs: number
}

export type Signals = RuleSignal[]

export const S = 1000

/** One decimal, for messages. */
export const fmt = (n: number): string => String(Math.round(n * 10) / 10)
