// One reading against its band: the value, a bar with the band shaded and the value marked, and the
// band's limits. A value outside the band stands out (colour, weight and a word, not colour alone).
import type { Band, Verdict } from './room-bands.ts'

export function BandGauge(props: {
  field: string
  label: string
  value: number | undefined
  band: Band | undefined
  verdict: Verdict
  /** the bar's extent: values beyond it sit at its end */
  scale: [number, number]
  format: (v: number) => string
  /** "too low" / "too high", already translated */
  verdictText: Record<'low' | 'high', string>
}) {
  const [lo, hi] = props.scale
  const pos = (v: number) => `${(100 * (Math.min(hi, Math.max(lo, v)) - lo)) / (hi - lo)}%`
  const b = props.band
  const out = props.verdict === 'low' || props.verdict === 'high'
  return (
    <div class={`gauge verdict-${props.verdict}`} data-field={props.field} data-verdict={props.verdict}>
      <div class="gauge-head">
        <span class="gauge-label">{props.label}</span>
        <strong class="gauge-value">{props.value === undefined ? '—' : props.format(props.value)}</strong>
      </div>
      <div class="gauge-bar" aria-hidden="true">
        {b && (
          <span
            class="gauge-band"
            style={{
              left: pos(b.min ?? lo),
              width: `calc(${pos(b.max ?? hi)} - ${pos(b.min ?? lo)})`,
            }}
          />
        )}
        {props.value !== undefined && <span class="gauge-mark" style={{ left: pos(props.value) }} />}
      </div>
      <div class="gauge-foot">
        <span class="muted">
          {b
            ? b.min !== undefined && b.max !== undefined
              ? `${props.format(b.min)} – ${props.format(b.max)}`
              : b.max !== undefined
                ? `≤ ${props.format(b.max)}`
                : `≥ ${props.format(b.min!)}`
            : ''}
        </span>
        {out && <span class="gauge-verdict">{props.verdictText[props.verdict as 'low' | 'high']}</span>}
      </div>
    </div>
  )
}
