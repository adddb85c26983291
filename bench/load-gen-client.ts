// The parent's handle on a load-generator child (bench/load-gen.ts).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { forkBenchChild, request, waitExit } from './children.ts'
import type { ConnectedReply, DeviceCredential, FieldSpec, FieldStats, RunReply, RunSpec } from './ipc.ts'

let defaultClient: 'raw' | 'mqttjs' = 'raw'
let files = 0
/** Which device client every load generator of this bench run uses (bench/main.ts sets it from --client). */
export function setLoadGenClient(kind: 'raw' | 'mqttjs'): void {
  defaultClient = kind
}

export interface LoadGen {
  pid: number
  connected: ConnectedReply
  run(spec: Omit<RunSpec, 'type'>): Promise<RunReply>
  /** field mode (bench/load-gen-field.ts): report, reconnect after drops; mark resets the counts */
  field(spec: Omit<FieldSpec, 'type'>): Promise<void>
  fieldConfigure(o: { jitterMs: number; retryMs: number }): Promise<void>
  fieldMark(): Promise<void>
  fieldStats(): Promise<FieldStats>
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
  /** device k connects from sourceAddresses[k mod n] */
  sourceAddresses?: string[]
  /** open-file limit of the child (bench/fd-limit.ts), for thousands of devices */
  nofile?: number
}): Promise<LoadGen> {
  const credentialsFile = join(opts.workDir, `devices-${Date.now()}-${++files}.json`)
  writeFileSync(credentialsFile, JSON.stringify(opts.creds))
  const child = forkBenchChild('./load-gen.ts', [], { nofile: opts.nofile })
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
        sourceAddresses: opts.sourceAddresses,
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
      field: async (spec) => {
        await request(child, { type: 'field', ...spec }, 'field-ok', 30_000)
      },
      fieldConfigure: async (o) => {
        await request(child, { type: 'field-configure', ...o }, 'field-ok', 30_000)
      },
      fieldMark: async () => {
        await request(child, { type: 'field-mark' }, 'field-ok', 30_000)
      },
      fieldStats: () => request<FieldStats>(child, { type: 'field-stats' }, 'field-stats', 30_000),
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}
