// What every electrical load model returns: real power and the waveform figures a meter derives from it.

export interface LoadSample {
  powerW: number
  /** True power factor P / (V·I_rms), including distortion. */
  powerFactor: number
  /** Current total harmonic distortion, % of the fundamental. */
  thdPct: number
  /**
   * The fundamental leads (capacitive). Unset: a capacitor-input rectifier (THD over 40 %) leads, all else
   * lags. An active-PFC input may lead through its EMI filter's capacitors at light load.
   */
  leading?: boolean
}

/** A load whose draw is a pure function of time: evaluating the same tMs twice gives the same sample. */
export interface LoadModel {
  readonly name: string
  at(tMs: number): LoadSample
}

export const OFF: LoadSample = Object.freeze({ powerW: 0, powerFactor: 1, thdPct: 0 })

/** Local minute of day for a UTC instant at a fixed offset (China has kept one offset since 1991). */
export const localMinuteOfDay = (tMs: number, utcOffsetMin: number): number =>
  (((Math.floor(tMs / 60_000) + utcOffsetMin) % 1440) + 1440) % 1440
