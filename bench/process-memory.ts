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
  /** V8 heap used by the process's worker threads (the alert engine), after full GCs in each */
  workersHeapUsedKb: number
  workersHeapTotalKb: number
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
  type Message = {
    id?: number
    method?: string
    result?: Record<string, unknown>
    params?: Record<string, unknown>
  }
  /** a worker's messages come wrapped in NodeWorker events of the process's own session */
  const unwrap = (m: Message, sessionId?: string): Message | undefined => {
    if (sessionId === undefined) return m
    if (m.method !== 'NodeWorker.receivedMessageFromWorker' || m.params?.sessionId !== sessionId) return
    return JSON.parse(m.params.message as string) as Message
  }
  const call = (method: string, params?: object, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), timeoutMs)
      const onMessage = (data: WebSocket.RawData) => {
        const m = unwrap(JSON.parse(data.toString()) as Message, sessionId)
        if (m?.id !== id) return
        clearTimeout(timer)
        ws.off('message', onMessage)
        resolve(m.result ?? {})
      }
      ws.on('message', onMessage)
      const msg = JSON.stringify({ id, method, params })
      ws.send(
        sessionId === undefined
          ? msg
          : JSON.stringify({
              id: nextId++,
              method: 'NodeWorker.sendMessageToWorker',
              params: { sessionId, message: msg },
            }),
      )
    })
  /** every worker thread of the process, attached without pausing it */
  const workerSessions = async (): Promise<string[]> => {
    const sessions: string[] = []
    const onAttach = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as Message
      if (m.method === 'NodeWorker.attachedToWorker') sessions.push(m.params?.sessionId as string)
    }
    ws.on('message', onAttach)
    await call('NodeWorker.enable', { waitForDebuggerOnStart: false })
    // the attach events of running workers follow the answer
    await new Promise((r) => setTimeout(r, 500))
    ws.off('message', onAttach)
    return sessions
  }
  try {
    let workersHeapUsedKb = 0
    let workersHeapTotalKb = 0
    for (const sessionId of await workerSessions()) {
      await call('HeapProfiler.collectGarbage', undefined, sessionId)
      await call('HeapProfiler.collectGarbage', undefined, sessionId)
      const u = await call('Runtime.getHeapUsage', undefined, sessionId)
      workersHeapUsedKb += Math.round(Number(u.usedSize) / 1024)
      workersHeapTotalKb += Math.round(Number(u.totalSize) / 1024)
      if (snapshotTo) await takeSnapshot(`${snapshotTo}.${sessionId.slice(0, 8)}.worker`, sessionId)
    }
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
      workersHeapUsedKb,
      workersHeapTotalKb,
    }
    if (snapshotTo) await takeSnapshot(snapshotTo)
    return sample
  } finally {
    ws.close()
  }

  async function takeSnapshot(path: string, sessionId?: string): Promise<void> {
    // the snapshot arrives as chunks of its JSON text, before the call's answer
    const out = createWriteStream(path)
    const onChunk = (data: WebSocket.RawData) => {
      const m = unwrap(JSON.parse(data.toString()) as Message, sessionId)
      if (m?.method === 'HeapProfiler.addHeapSnapshotChunk') out.write(m.params?.chunk as string)
    }
    ws.on('message', onChunk)
    await call('HeapProfiler.takeHeapSnapshot', undefined, sessionId)
    ws.off('message', onChunk)
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    )
  }
}
