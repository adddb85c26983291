// A bounded time series of columns for uPlot: [ts seconds, ...values], oldest first.

export interface Series {
  columns: number[][]
  push(tsMs: number, values: (number | null)[]): void
  /** replaces everything older than the first live point with history */
  seed(rows: { ts: number; values: (number | null)[] }[]): void
}

export function createSeries(width: number, max = 2000): Series {
  const columns: number[][] = Array.from({ length: width + 1 }, () => [])
  const trim = () => {
    const extra = columns[0]!.length - max
    if (extra > 0) for (const c of columns) c.splice(0, extra)
  }
  return {
    columns,
    push(tsMs, values) {
      const t = tsMs / 1000
      const ts = columns[0]!
      // readings arrive in order; a late or repeated one is dropped rather than drawn backwards
      if (ts.length && t <= ts[ts.length - 1]!) return
      ts.push(t)
      for (const [i, v] of values.entries()) columns[i + 1]!.push(v as number)
      trim()
    },
    seed(rows) {
      const first = columns[0]![0]
      const older = rows.filter((r) => first === undefined || r.ts / 1000 < first)
      columns[0]!.unshift(...older.map((r) => r.ts / 1000))
      for (let i = 0; i < width; i++) columns[i + 1]!.unshift(...older.map((r) => r.values[i] as number))
      trim()
    },
  }
}
