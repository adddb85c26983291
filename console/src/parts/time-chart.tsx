// A uPlot line chart over columns [ts s, ...series]; redraws when `version` changes, resizes with its box.
// Series may sit on a second y axis (right); markers (alerts) are drawn as links at the time they happened.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { linkTo } from '../router.ts'

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
    const timeFmt = new Intl.DateTimeFormat(props.locale, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    const secFmt = new Intl.DateTimeFormat(props.locale, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    const dayFmt = new Intl.DateTimeFormat(props.locale, { month: '2-digit', day: '2-digit' })
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
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height,
      scales: {
        x: {
          time: true,
          range: (u, min, max) => timeRange(u.data[0], min, max),
        },
        ...(props.axis2?.range ? { y2: { range: props.axis2.range } } : {}),
      },
      series: [
        { label: props.timeLabel, value: (_u, v) => (v == null ? '' : secFmt.format(v * 1000)) },
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
          size: 60,
          values: (_u, splits) => splits.map((v) => props.formatValue(v)),
        },
        ...(props.axis2
          ? [
              {
                ...axisStyle,
                scale: 'y2',
                side: 1,
                size: 60,
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
  }, [props.series.map((s) => s.label).join('|'), props.locale])

  useEffect(() => {
    plot.current?.setData(props.columns as uPlot.AlignedData)
  }, [props.version, props.columns])

  const markerKey = markers.current.map((m) => `${m.id}@${m.ts}:${m.label}`).join('|')
  useEffect(() => {
    if (plot.current) placeMarkers.current(plot.current)
  }, [markerKey])

  return <div class="chart" ref={box} />
}
