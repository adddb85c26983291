// Memory of another Node process: RSS from /proc, and a full GC plus V8 heap usage through its inspector
// (the process is started with `--inspect=127.0.0.1:<port>`), so that the bench can measure the service
// exactly as it runs, without hooks in its code.
import { createWriteStream, readFileSync } from 'node:fs'
import WebSocket from 'ws'

export function readRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status)
  if (!m) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(m[1])
}

async function debuggerUrl(inspectPort: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${inspectPort}/json/list`)
      const list = (await res.json()) as { webSocketDebuggerUrl?: string }[]
      const url = list[0]?.webSocketDebuggerUrl
      if (url) return url
    } catch {
      // inspector not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no inspector on port ${inspectPort}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export interface HeapSample {
  rssKb: number
  heapUsedKb: number
  /** the process's own view (process.memoryUsage()): V8 heap committed, memory outside it held by JS objects */
  heapTotalKb: number
  externalKb: number
  arrayBuffersKb: number
}

/**
 * Two full GCs (the second collects what the first's finalizers released), then RSS and heap used; with
 * `snapshotTo`, a heap snapshot of that moment is written there too (read with heap-diff.ts).
 */
export async function sampleAfterGc(
  pid: number,
  inspectPort: number,
  timeoutMs = 30_000,
  snapshotTo?: string,
): Promise<HeapSample> {
  const ws = new WebSocket(await debuggerUrl(inspectPort, timeoutMs))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let nextId = 1
  const call = (method: string, params?: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), timeoutMs)
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(data.toString()) as { id?: number; result?: Record<string, unknown> }
        if (m.id !== id) return
        clearTimeout(timer)
        ws.off('message', onMessage)
        resolve(m.result ?? {})
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ id, method, params }))
    })
  try {
    await call('HeapProfiler.collectGarbage')
    await call('HeapProfiler.collectGarbage')
    const usage = await call('Runtime.getHeapUsage')
    const own = (await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result?: { value?: string } }
    const m = JSON.parse(own.result?.value ?? '{}') as Record<string, number>
    const k = (n: number | undefined) => Math.round((n ?? Number.NaN) / 1024)
    const sample = {
      rssKb: readRssKb(pid),
      heapUsedKb: Math.round(Number(usage.usedSize) / 1024),
      heapTotalKb: k(m.heapTotal),
      externalKb: k(m.external),
      arrayBuffersKb: k(m.arrayBuffers),
    }
    if (snapshotTo) {
      // the snapshot arrives as chunks of its JSON text, before the call's answer
      const out = createWriteStream(snapshotTo)
      const onChunk = (data: WebSocket.RawData) => {
        const m = JSON.parse(data.toString()) as { method?: string; params?: { chunk: string } }
        if (m.method === 'HeapProfiler.addHeapSnapshotChunk') out.write(m.params!.chunk)
      }
      ws.on('message', onChunk)
      await call('HeapProfiler.takeHeapSnapshot')
      ws.off('message', onChunk)
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      )
    }
    return sample
  } finally {
    ws.close()
  }
}
