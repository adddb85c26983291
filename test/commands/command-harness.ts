// The real thing for command tests: the broker (with the registry and a spool in a temp dir), the API's
// service MQTT client, alerts.db, the command service, the routes on real HTTP, and a simulated
// charging pile (the simulator's model answers the commands) on its own mqtt.js connection.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import mqtt, { type MqttClient } from 'mqtt'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { type AlertsDb, openAlertsDb } from '../../alerts/db.ts'
import { createAuthenticator } from '../../api/auth.ts'
import { installErrorHandlers } from '../../api/errors.ts'
import { commandRoutes } from '../../api/routes/commands.ts'
import { installV1Auth } from '../../api/v1-auth.ts'
import { createBroker } from '../../broker/index.ts'
import type { BrokerHandle } from '../../broker/types.ts'
import { type CommandService, createCommandService } from '../../commands/command-service.ts'
import type { Command } from '../../domain/protocol.ts'
import { topics } from '../../domain/topics.ts'
import { openRegistry, type Registry } from '../../registry/index.ts'
import { createChargingPile } from '../../simulators/devices/charging-pile.ts'
import { openSpoolWriter, type SpoolWriter } from '../../spool/index.ts'
import { until as untilHolds } from '../support/poll.ts'

export const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })

/** How the simulated pile treats commands: answer through its model, or never answer. */
export type PileMode = 'answer' | 'silent'

export interface SimulatedPile {
  id: string
  mode: PileMode
  /** commands as the device received them */
  received: Command[]
  client: MqttClient
  /** called as each command arrives, before any ack */
  onCommand?: (cmd: Command) => void
  close(): Promise<void>
}

export interface CommandHarness {
  dir: string
  registry: Registry
  broker: BrokerHandle
  service: MqttClient
  db: AlertsDb
  metrics: MetricsRegistry
  commands: CommandService
  app: FastifyInstance
  base: string
  tokens: { acmeManager: string; acmeViewer: string; bravoManager: string }
  secrets: Map<string, string>
  pile(id: string, mode?: PileMode): Promise<SimulatedPile>
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown },
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on them
  ): Promise<{ status: number; body: any }>
  close(): Promise<void>
}

export async function startCommandHarness(opts: {
  timeoutMs: number
  now?: () => number
}): Promise<CommandHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-commands-'))
  const registry = openRegistry({ path: join(dir, 'registry.db'), log, scrypt: { N: 1024, r: 8, p: 1 } })
  registry.createTenant({ id: 'acme', name: 'Acme Property' })
  registry.createTenant({ id: 'bravo', name: 'Bravo Estates' })
  for (const [id, tenantId] of [
    ['acme-shed', 'acme'],
    ['bravo-shed', 'bravo'],
  ] as const)
    registry.createSite({ id, tenantId, name: id, community: 'Garden Court', kind: 'charging-shed' })
  const secrets = new Map<string, string>()
  for (const [id, kind, siteId] of [
    ['pile-1', 'charging-pile', 'acme-shed'],
    ['pile-2', 'charging-pile', 'acme-shed'],
    ['screen-1', 'outdoor-display', 'acme-shed'],
    ['pile-b', 'charging-pile', 'bravo-shed'],
  ] as const) {
    const { secret } = await registry.provisionDevice({ id, kind, siteId })
    secrets.set(id, secret)
  }
  const tokens = {
    acmeManager: registry.createToken({ tenantId: 'acme', role: 'manager', name: 'acme ops' }).token,
    acmeViewer: registry.createToken({ tenantId: 'acme', role: 'viewer', name: 'acme viewer' }).token,
    bravoManager: registry.createToken({ tenantId: 'bravo', role: 'manager', name: 'bravo ops' }).token,
  }

  const spool: SpoolWriter = await openSpoolWriter({ dir: join(dir, 'spool'), maxBytes: 1 << 28, log })
  const metrics = new MetricsRegistry()
  const broker = await createBroker({
    directory: registry,
    spool,
    log,
    metrics,
    config: { host: '127.0.0.1', mqttPort: 0 },
  })
  const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`
  const service = await mqtt.connectAsync(url, {
    clientId: 'svc:api-commands-test',
    username: 'svc:api',
    password: registry.rotateServiceSecret('api'),
    reconnectPeriod: 0,
  })
  const db = openAlertsDb(join(dir, 'alerts.db'))
  const commands = createCommandService({
    mqtt: service,
    db,
    registry,
    log,
    metrics,
    now: opts.now,
    timeoutMs: opts.timeoutMs,
  })
  await commands.ready

  const auth = createAuthenticator({ registry })
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger })
    .withTypeProvider<TypeBoxTypeProvider>()
    .setValidatorCompiler(TypeBoxValidatorCompiler)
  installErrorHandlers(app, log)
  await app.register(
    async (v1) => {
      installV1Auth(v1 as unknown as FastifyInstance, { auth })
      await v1.register(commandRoutes, { ctx: { registry }, commands })
    },
    { prefix: '/api/v1' },
  )
  await app.listen({ host: '127.0.0.1', port: 0 })
  const addr = app.server.address()
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`

  const piles: SimulatedPile[] = []
  return {
    dir,
    registry,
    broker,
    service,
    db,
    metrics,
    commands,
    app: app as unknown as FastifyInstance,
    base,
    tokens,
    secrets,
    async pile(id, mode = 'answer') {
      const model = createChargingPile(
        { id, kind: 'charging-pile', siteId: 'acme-shed', reportIntervalS: 60, ports: 10 },
        7,
      )
      const client = await mqtt.connectAsync(url, {
        clientId: id,
        username: id,
        password: secrets.get(id),
        reconnectPeriod: 0,
        will: { topic: topics.status(id), payload: Buffer.from('offline'), qos: 1, retain: true },
      })
      const pile: SimulatedPile = {
        id,
        mode,
        received: [],
        client,
        close: () => client.endAsync(true),
      }
      client.on('message', (topic, payload) => {
        if (topic !== topics.commands(id)) return
        const cmd = JSON.parse(payload.toString()) as Command
        pile.received.push(cmd)
        pile.onCommand?.(cmd)
        if (pile.mode === 'silent') return
        client.publish(topics.commandAck(id), JSON.stringify(model.command(cmd)), { qos: 1 })
      })
      await client.subscribeAsync(topics.commands(id), { qos: 1 })
      piles.push(pile)
      return pile
    },
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${o.token ?? tokens.acmeManager}` }
      if (o.body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(base + path, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
    },
    async close() {
      await commands.close()
      await app.close()
      for (const p of piles) await p.close()
      await service.endAsync(true)
      await broker.close()
      await spool.close()
      db.close()
      registry.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Polls `check` until it holds or the deadline passes. */
export const until = (check: () => boolean, deadlineMs = 10_000): Promise<void> =>
  untilHolds(check, { timeoutMs: deadlineMs })
