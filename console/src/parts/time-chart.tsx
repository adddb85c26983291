// A uPlot line chart over columns [ts s, ...series]; redraws when `version` changes, resizes with its box.
// Series may sit on a second y axis (right); markers (alerts) are drawn as links at the time they happened.
// Times are the site's (`utcOffsetMin`), like every other time of the site on the page.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { browserOffsetMin, zoneName } from '../i18n/make-format.ts'
import { linkTo } from '../router.ts'
import { valueAxisWidth } from './axis-width.ts'

export interface ChartSeries {
  label: string
  color: string
  dash?: number[]
  fill?: string
  /** on the right-hand axis (`axis2`) instead of the left one */
  right?: boolean
  /** the legend's value; the axis's format by default */
  format?: (v: number) => string
}

/** Something that happened at a moment, drawn as a vertical line with a flag that links to it. */
export interface ChartMarker {
  id: string
  /** epoch ms */
  ts: number
  label: string
  href: string
  /** a CSS class for its colour, e.g. `sev-major` */
  tone?: string
}

/**
 * uPlot stretches a lone time point's axis by 86,400 / `ms` units (years, with seconds as units), ticked at
 * midnights, so the shed chart of a new pile read 00:00 00:00 …: show ±5 min around it instead.
 */
const LONE_POINT_PAD_S = 300

/** The time axis's span in seconds: the data's, or ±5 min around a lone point. */
export function timeRange(xs: ArrayLike<number>, min: number, max: number): [number, number] {
  return xs.length === 1 ? [xs[0]! - LONE_POINT_PAD_S, xs[0]! + LONE_POINT_PAD_S] : [min, max]
}

/** Which clock a tick label needs: seconds below a minute apart, the date a day or more apart. */
export function tickUnit(incrS: number): 'second' | 'minute' | 'day' {
  return incrS < 60 ? 'second' : incrS >= 86_400 ? 'day' : 'minute'
}

export function TimeChart(props: {
  columns: number[][]
  series: ChartSeries[]
  version: number
  height?: number
  locale: string
  /** the site's local time, minutes east of UTC; the browser's when absent */
  utcOffsetMin?: number
  timeLabel: string
  formatValue: (v: number) => string
  axis2?: { format: (v: number) => string; range?: [number, number] }
  markers?: ChartMarker[]
}) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const markers = useRef<ChartMarker[]>([])
  markers.current = props.markers ?? []
  const placeMarkers = useRef<(u: uPlot) => void>(() => {})

  // (re)build when the series or the language change
  useEffect(() => {
    const el = box.current
    if (!el) return
    const offset = props.utcOffsetMin
    // the site's wall clock: the instant moved by its offset, read in UTC
    const timeZone = offset === undefined ? undefined : 'UTC'
    const shift = (ms: number) => (offset === undefined ? ms : ms + offset * 60_000)
    const clock = (o: Intl.DateTimeFormatOptions) => {
      const f = new Intl.DateTimeFormat(props.locale, { ...o, timeZone })
      return { format: (ms: number) => f.format(shift(ms)) }
    }
    const timeFmt = clock({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    const secFmt = clock({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    const dayFmt = clock({ month: '2-digit', day: '2-digit' })
    // a viewer on another clock than the site's is told which one the axis is in
    const zoneMark =
      offset === undefined || offset === browserOffsetMin(Date.now())
        ? ''
        : props.locale === 'zh-CN'
          ? `（${zoneName(offset)}）`
          : ` (${zoneName(offset)})`
    const height = props.height ?? 220
    const layer = document.createElement('div')
    layer.className = 'chart-markers'
    placeMarkers.current = (u) => {
      const width = u.over.clientWidth
      const flags: HTMLElement[] = []
      for (const m of markers.current) {
        const x = u.valToPos(m.ts / 1000, 'x')
        if (!Number.isFinite(x) || x < 0 || x > width) continue
        const a = document.createElement('a')
        const link = linkTo(m.href)
        a.href = link.href
        a.onclick = link.onClick
        a.className = `chart-marker ${m.tone ?? ''}`
        a.dataset.alertId = m.id
        a.dataset.ts = String(m.ts)
        a.title = `${m.label} · ${secFmt.format(m.ts)}`
        a.setAttribute('aria-label', a.title)
        a.style.left = `${x}px`
        flags.push(a)
      }
      layer.replaceChildren(...flags)
    }
    const valueSeries = (s: ChartSeries) => {
      const format = s.format ?? (s.right && props.axis2 ? props.axis2.format : props.formatValue)
      return {
        label: s.label,
        stroke: s.color,
        dash: s.dash,
        fill: s.fill,
        width: 2,
        scale: s.right ? 'y2' : 'y',
        value: (_u: uPlot, v: number | null) => (v == null ? '–' : format(v)),
      }
    }
    // a canvas has no CSS: 'currentColor' would draw the labels black on the dark page
    const axisStyle = { stroke: getComputedStyle(el).color, grid: { stroke: 'rgba(128,128,128,0.15)' } }
    /** wide enough for the widest label ("1,000 W" was cut to ",000 W" in a fixed 60 px) */
    const valueAxisSize: uPlot.Axis.Size = (u, values, axisIdx, cycleNum) => {
      const axis = u.axes[axisIdx]!
      // uPlot asks again while ticks and sizes settle; after two rounds it keeps what it has
      const sized = (axis as { _size?: number })._size
      if (cycleNum > 1 && sized !== undefined) return sized
      // uPlot keeps the font scaled to device pixels as [font, size]
      const font = (axis.font as unknown as [string] | undefined)?.[0]
      if (font) u.ctx.font = font
      const measure = (x: string) => u.ctx.measureText(x).width / devicePixelRatio
      const size = valueAxisWidth(values ?? [], measure)
      // for people and tests reading the page (labels are drawn, not text): the left axis's room, and
      // what its widest label needs
      if (axisIdx === 1) {
        el.dataset.yAxisPx = String(size)
        el.dataset.yLabelPx = String(Math.max(0, ...(values ?? []).map(measure)))
      }
      return size
    }
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height,
      ...(offset === undefined
        ? {}
        : {
            // ticks at the site's whole hours and midnights: a Date whose local clock reads the site's
            tzDate: (ts: number) => {
              const d = new Date(ts * 1000)
              return new Date(d.getTime() + (offset + d.getTimezoneOffset()) * 60_000)
            },
          }),
      scales: {
        x: {
          time: true,
          range: (u, min, max) => timeRange(u.data[0], min, max),
        },
        ...(props.axis2?.range ? { y2: { range: props.axis2.range } } : {}),
      },
      series: [
        {
          label: props.timeLabel + zoneMark,
          value: (_u, v) => (v == null ? '' : secFmt.format(v * 1000)),
        },
        ...props.series.map(valueSeries),
      ],
      axes: [
        {
          ...axisStyle,
          // room for a label with seconds between ticks
          space: 80,
          values: (_u, splits, _axis, _space, incr) => {
            const unit = tickUnit(incr)
            const f = unit === 'second' ? secFmt : unit === 'day' ? dayFmt : timeFmt
            return splits.map((v) => f.format(v * 1000))
          },
        },
        {
          ...axisStyle,
          scale: 'y',
          size: valueAxisSize,
          values: (_u, splits) => splits.map((v) => props.formatValue(v)),
        },
        ...(props.axis2
          ? [
              {
                ...axisStyle,
                scale: 'y2',
                side: 1,
                size: valueAxisSize,
                grid: { show: false },
                values: (_u: uPlot, splits: number[]) => splits.map((v) => props.axis2!.format(v)),
              },
            ]
          : []),
      ],
      legend: { live: true },
      hooks: {
        draw: [
          (u) => {
            placeMarkers.current(u)
            // the time axis's span, for people and tests reading the page (ticks are drawn, not text)
            el.dataset.xMin = String(u.scales.x!.min ?? '')
            el.dataset.xMax = String(u.scales.x!.max ?? '')
          },
        ],
      },
    }
    const u = new uPlot(opts, props.columns as uPlot.AlignedData, el)
    u.over.appendChild(layer)
    plot.current = u
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }))
    ro.observe(el)
    return () => {
      ro.disconnect()
      u.destroy()
      plot.current = null
    }
  }, [props.series.map((s) => s.label).join('|'), props.locale, props.utcOffsetMin])

  useEffect(() => {
    plot.current?.setData(props.columns as uPlot.AlignedData)
  }, [props.version, props.columns])

  const markerKey = markers.current.map((m) => `${m.id}@${m.ts}:${m.label}`).join('|')
  useEffect(() => {
    if (plot.current) placeMarkers.current(plot.current)
  }, [markerKey])

  return <div class="chart" ref={box} />
}
