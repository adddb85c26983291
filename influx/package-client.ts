// The `influx` npm package (node-influx, for InfluxDB 1.x) configured from an InfluxConfig: one host,
// its own keep-alive agent (so close() can let go of the sockets), credentials, and no retry or host
// ban of its own.
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { InfluxDB, type IPoolOptions, type ISchemaOptions } from 'influx'
import type { InfluxConfig } from './types.ts'

export interface PackageClient {
  influx: InfluxDB
  /** closes the idle keep-alive sockets; requests in flight finish */
  close(): void
}

// The package's pool bans a host for a backoff (300 ms, growing to 10 s) after a 5xx, a timeout or a
// refused connection, and with a single host every request in that window fails at once with "No host
// available" — also after InfluxDB is back. Ingest and the API have their own retry and backoff, so the
// ban is switched off (a delay of 0 never disables the host) and so are the package's own retries.
const NO_BAN: NonNullable<IPoolOptions['backoff']> = {
  getDelay: () => 0,
  next: () => NO_BAN,
  reset: () => NO_BAN,
}

export function createPackageClient(cfg: InfluxConfig, opts?: { schema?: ISchemaOptions[] }): PackageClient {
  const url = new URL(cfg.url)
  const https = url.protocol === 'https:'
  // a few sockets: the API's queries and the admin statements; writes have their own pool (write-lines.ts)
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 4 })
    : new HttpAgent({ keepAlive: true, maxSockets: 4 })
  const headers: Record<string, string> = {}
  // InfluxDB 2.x/3.x v1-compatible API: `Authorization: Token …`; 1.x users go as Basic auth (below)
  if (cfg.token) headers.authorization = `Token ${cfg.token}`
  const influx = new InfluxDB({
    hosts: [
      {
        host: url.hostname,
        port: url.port ? Number(url.port) : https ? 443 : 80,
        protocol: https ? 'https' : 'http',
        path: url.pathname.replace(/\/+$/, ''),
        options: { agent, headers },
      },
    ],
    database: cfg.db,
    // Without a username the package sends `root:root` as Basic auth (its default), which would also
    // override a token. null is not a string to it, so it then sends no credentials of its own.
    username:
      cfg.token === undefined && cfg.username !== undefined ? cfg.username : (null as unknown as string),
    password: cfg.password ?? '',
    pool: { maxRetries: 0, requestTimeout: cfg.timeoutMs ?? 10_000, backoff: NO_BAN },
    schema: opts?.schema ?? [],
  })
  return { influx, close: () => agent.destroy() }
}
