// The stack people assemble instead of ours (issue 12 §4): Debian's mosquitto as the broker, configured
// as a typical user does (a listener, anonymous clients, `persistence true` as Debian's own
// mosquitto.conf sets it, nothing tuned: max_queued_messages stays at 1,000, max_inflight_messages at
// 20), and one subscriber writing batched line protocol to InfluxDB (bench/bare-pipeline.ts with
// `brokerUrl`, the Telegraf-style consumer). Same devices, same loss check as ours and bare.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { freePort } from '../influx/index.ts'
import { spawnTracked, waitExit } from './children.ts'
import { withNofile } from './fd-limit.ts'
import { startBare, type Target } from './targets.ts'

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto'

export function mosquittoExists(): boolean {
  return existsSync(MOSQUITTO_BIN)
}

async function listening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`mosquitto not listening on ${port} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** mosquitto plus its subscriber child; `pid` is mosquitto's, `subscriberPid` the writer's. */
export async function startMosquittoPipeline(opts: {
  influxUrl: string
  db: string
  dir: string
  nofile: number
  /** mosquitto's max_queued_messages; unset: its default (1,000), as a typical user leaves it */
  maxQueued?: number
}): Promise<Target & { subscriberPid: number }> {
  mkdirSync(opts.dir, { recursive: true })
  const port = await freePort()
  const conf = join(opts.dir, 'mosquitto.conf')
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${opts.dir}/`,
      `log_dest file ${join(opts.dir, 'mosquitto.log')}`,
      // the default (-1) already means unlimited; said here so a reader does not wonder
      'max_connections -1',
      ...(opts.maxQueued === undefined ? [] : [`max_queued_messages ${opts.maxQueued}`]),
      '',
    ].join('\n'),
  )
  const [cmd, args] = withNofile(opts.nofile, MOSQUITTO_BIN, ['-c', conf])
  const broker = spawnTracked(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  broker.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  try {
    await listening(port, 15_000)
  } catch (err) {
    broker.kill('SIGKILL')
    throw new Error(`${(err as Error).message}: ${stderr.slice(0, 300)}`)
  }
  const sub = await startBare({
    influxUrl: opts.influxUrl,
    db: opts.db,
    brokerUrl: `mqtt://127.0.0.1:${port}`,
  })
  return {
    name: 'mosquitto',
    mqttUrl: `mqtt://127.0.0.1:${port}`,
    pid: broker.pid!,
    subscriberPid: sub.pid,
    stop: async () => {
      await sub.stop()
      broker.kill('SIGTERM')
      await waitExit(broker, 10_000)
    },
  }
}
