// The parent's handle on a load-generator child (bench/load-gen.ts).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { forkBenchChild, request, waitExit } from './children.ts'
import type { ConnectedReply, DeviceCredential, RunReply, RunSpec } from './ipc.ts'

let defaultClient: 'raw' | 'mqttjs' = 'raw'
/** Which device client every load generator of this bench run uses (bench/main.ts sets it from --client). */
export function setLoadGenClient(kind: 'raw' | 'mqttjs'): void {
  defaultClient = kind
}

export interface LoadGen {
  pid: number
  connected: ConnectedReply
  run(spec: Omit<RunSpec, 'type'>): Promise<RunReply>
  close(): Promise<void>
}

export async function startLoadGen(opts: {
  mqttUrl: string
  creds: readonly DeviceCredential[]
  workDir: string
  connectBatch: number
  connectTimeoutMs: number
  keepaliveS?: number
  client?: 'raw' | 'mqttjs'
}): Promise<LoadGen> {
  const credentialsFile = join(opts.workDir, `devices-${Date.now()}.json`)
  writeFileSync(credentialsFile, JSON.stringify(opts.creds))
  const child = forkBenchChild('./load-gen.ts')
  const close = async () => {
    if (child.connected) child.send({ type: 'close' })
    await waitExit(child, 30_000)
  }
  try {
    const connected = await request<ConnectedReply>(
      child,
      {
        type: 'init',
        url: opts.mqttUrl,
        credentialsFile,
        connectBatch: opts.connectBatch,
        keepaliveS: opts.keepaliveS ?? 60,
        connectTimeoutMs: 60_000,
        client: opts.client ?? defaultClient,
      },
      'connected',
      opts.connectTimeoutMs,
    )
    return {
      pid: child.pid!,
      connected,
      run: (spec) =>
        request<RunReply>(
          child,
          { type: 'run', ...spec },
          'run-done',
          spec.durationMs + spec.drainTimeoutMs + 30_000,
        ),
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}
