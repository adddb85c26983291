// How far the alert engine (a second spool consumer) is behind when the store has caught up: the
// throughput run stops its clock when InfluxDB holds every acked message, so an engine that merely fell
// behind would look free. Both consumers read the same spool records, so the engine is caught up when
// courtyard_alert_engine_messages_total (all outcomes) reaches courtyard_ingest_messages_total (all types).

export interface EngineProgress {
  /** spool records ingest had read when the store had caught up */
  ingestRead: number
  /** records the engine had seen at that moment */
  engineAtStoreDone: number
  /** records the engine had seen at the end (caught up, or stopped moving) */
  engineAtEnd: number
  /** from the store catching up until the engine had seen as many records as ingest (NaN: it never did) */
  catchUpMs: number
}

async function metricSums(httpUrl: string, names: readonly string[]): Promise<number[]> {
  const res = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  const sums = names.map(() => 0)
  for (const line of text.split('\n')) {
    // `name{labels} value` or `name value`; skip `# HELP` and `# TYPE`
    const i = names.findIndex((n) => line.startsWith(`${n}{`) || line.startsWith(`${n} `))
    if (i >= 0) sums[i]! += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sums
}

const INGEST = 'courtyard_ingest_messages_total'
const ENGINE = 'courtyard_alert_engine_messages_total'

/** Polls until the engine has seen what ingest read, or has not moved for 5 s (bounded by 120 s). */
export async function waitEngine(httpUrl: string): Promise<EngineProgress> {
  const start = Date.now()
  const [ingestRead = 0, engineAtStoreDone = 0] = await metricSums(httpUrl, [INGEST, ENGINE])
  let seen = engineAtStoreDone
  let lastGrowth = Date.now()
  while (seen < ingestRead && Date.now() - lastGrowth < 5_000 && Date.now() - start < 120_000) {
    await new Promise((r) => setTimeout(r, 100))
    const [n = 0] = await metricSums(httpUrl, [ENGINE])
    if (n !== seen) lastGrowth = Date.now()
    seen = n
  }
  return {
    ingestRead,
    engineAtStoreDone,
    engineAtEnd: seen,
    catchUpMs: seen >= ingestRead ? Date.now() - start : Number.NaN,
  }
}
