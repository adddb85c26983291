// Broker memory per idle connected device: RSS (and V8 heap) of the target process after full GCs with no
// devices, then with `creds.length` devices connected, each having sent its retained `online` and holding a
// Will, as protocol.md devices do.
import type { DeviceCredential } from './ipc.ts'
import { startLoadGen } from './load-gen-client.ts'
import { sampleAfterGc } from './process-memory.ts'

export interface MemoryResult {
  devices: number
  connectFailed: number
  firstError?: string
  connectSeconds: number
  rssBeforeKb: number
  rssAfterKb: number
  heapBeforeKb: number
  heapAfterKb: number
  rssPerDeviceKb: number
  heapPerDeviceKb: number
}

export async function runMemory(opts: {
  pid: number
  inspectPort: number
  mqttUrl: string
  creds: readonly DeviceCredential[]
  workDir: string
  connectTimeoutMs: number
}): Promise<MemoryResult> {
  const before = await sampleAfterGc(opts.pid, opts.inspectPort)
  const gen = await startLoadGen({
    mqttUrl: opts.mqttUrl,
    creds: opts.creds,
    workDir: opts.workDir,
    // bounded so that first connects (one scrypt verify each in ours) queue in the client, not the broker
    connectBatch: 200,
    connectTimeoutMs: opts.connectTimeoutMs,
    keepaliveS: 60,
  })
  try {
    // the retained `online` publishes are QoS 1 and were sent right after each CONNACK; give the broker a
    // moment to settle them before the sample (the sample itself runs two full GCs)
    await new Promise((r) => setTimeout(r, 2_000))
    const after = await sampleAfterGc(opts.pid, opts.inspectPort)
    const n = gen.connected.connected
    return {
      devices: n,
      connectFailed: gen.connected.failed,
      firstError: gen.connected.firstError,
      connectSeconds: gen.connected.elapsedMs / 1000,
      rssBeforeKb: before.rssKb,
      rssAfterKb: after.rssKb,
      heapBeforeKb: before.heapUsedKb,
      heapAfterKb: after.heapUsedKb,
      rssPerDeviceKb: n ? (after.rssKb - before.rssKb) / n : Number.NaN,
      heapPerDeviceKb: n ? (after.heapUsedKb - before.heapUsedKb) / n : Number.NaN,
    }
  } finally {
    await gen.close()
  }
}
