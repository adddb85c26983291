// How wide a chart's value axis must be: its widest label as drawn, plus the tick and the gap beside it.
// Pure (the measuring is handed in), so it is tested without a canvas.

/** uPlot's defaults: a 10 px tick and a 5 px gap between it and the label */
export const AXIS_TICK_PX = 10
export const AXIS_GAP_PX = 5
/** no narrower than this, so that the plots of a page line up when their labels are short */
export const MIN_AXIS_PX = 50
/** a margin for anti-aliasing and rounding, so the label's first glyph is never clipped */
const SLACK_PX = 4

export function valueAxisWidth(labels: readonly string[], measure: (label: string) => number): number {
  let widest = 0
  for (const l of labels) widest = Math.max(widest, measure(l))
  return Math.max(MIN_AXIS_PX, Math.ceil(widest + AXIS_TICK_PX + AXIS_GAP_PX + SLACK_PX))
}
