// A uPlot line chart over columns [ts s, ...series]; redraws when `version` changes, resizes with its box.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  label: string
  color: string
  dash?: number[]
  fill?: string
}

export function TimeChart(props: {
  columns: number[][]
  series: ChartSeries[]
  version: number
  height?: number
  locale: string
  timeLabel: string
  formatValue: (v: number) => string
}) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)

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
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height: props.height ?? 220,
      series: [
        { label: props.timeLabel, value: (_u, v) => (v == null ? '' : secFmt.format(v * 1000)) },
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          dash: s.dash,
          fill: s.fill,
          width: 2,
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : props.formatValue(v)),
        })),
      ],
      axes: [
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          // ticks closer than a minute need seconds to tell them apart
          values: (_u, splits, _axis, _space, incr) =>
            splits.map((v) => (incr < 60 ? secFmt : timeFmt).format(v * 1000)),
        },
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          size: 60,
          values: (_u, splits) => splits.map((v) => props.formatValue(v)),
        },
      ],
      legend: { live: true },
    }
    const u = new uPlot(opts, props.columns as uPlot.AlignedData, el)
    plot.current = u
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: props.height ?? 220 }))
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

  return <div class="chart" ref={box} />
}
