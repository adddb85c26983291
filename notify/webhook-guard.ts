// Guards webhook deliveries against server-side request forgery: a tenant's manager names the URL, the
// service POSTs to it, so without this a URL like http://169.254.169.254/ (cloud metadata),
// http://127.0.0.1:8086/ (our InfluxDB) or http://10.0.0.5/admin — or a host name resolving to one, like
// `localhost` or a DNS-rebinding name — reaches into the operator's network. By default a webhook only
// reaches public unicast addresses; NOTIFY_WEBHOOK_ALLOW_NETS lists the private ones it may reach anyway.
// Two checks: IP-literal hosts when a channel is created or changed (host names are not resolved then),
// and every address actually connected to, in the socket connector of the notifier's own HTTP agent (so
// what DNS answers at send time is what is checked).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { Agent, buildConnector, fetch as undiciFetch } from 'undici'
import type { FetchLike } from './senders.ts'

export const ALLOW_NETS_ENV = 'NOTIFY_WEBHOOK_ALLOW_NETS'

type Family = 'ipv4' | 'ipv6'
type Net = { address: string; prefix: number; family: Family }

// the first class a (v4-normalised) address falls in names it; order matters (broadcast inside 240/4)
const RANGES: [what: string, nets: string[]][] = [
  ['an unspecified', ['0.0.0.0/8', '::/128']],
  ['a loopback', ['127.0.0.0/8', '::1/128']],
  ['a private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['a link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['a shared (CGNAT)', ['100.64.0.0/10']],
  ['a multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['a broadcast', ['255.255.255.255/32']],
  ['a documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']],
  ['a benchmarking', ['198.18.0.0/15', '2001:2::/48']],
  ['a reserved', ['192.0.0.0/24', '240.0.0.0/4']],
]
// IPv6 outside 2000::/3 (global unicast) is never public: site-local, NAT64, discard-only, unassigned…
const GLOBAL_UNICAST_V6 = new BlockList()
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6')

/** `a.b.c.d`, `a.b.c.d/n`, `::1`, `fd00::/8`; undefined when malformed. Mapped v6 (::ffff:a.b.c.d) → v4. */
export function parseNet(entry: string): Net | undefined {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry.trim())
  if (!m) return undefined
  const v = isIP(m[1]!)
  if (v === 0) return undefined
  const max = v === 4 ? 32 : 128
  const prefix = m[2] === undefined ? max : Number(m[2])
  if (prefix > max) return undefined
  const mapped = v === 6 ? unmapV4(m[1]!) : undefined
  if (mapped && prefix >= 96) return { address: mapped, prefix: prefix - 96, family: 'ipv4' }
  return { address: m[1]!, prefix, family: v === 4 ? 'ipv4' : 'ipv6' }
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:127.0.0.1, ::ffff:7f00:1), else undefined. */
function unmapV4(v6: string): string | undefined {
  let canon: string
  try {
    canon = new URL(`http://[${v6}]/`).hostname.slice(1, -1) // WHATWG's canonical (compressed, hex) form
  } catch {
    return undefined
  }
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canon)
  if (!m) return undefined
  const [hi, lo] = [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16)]
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
}

function blockList(nets: Net[]): BlockList {
  const b = new BlockList()
  for (const n of nets) b.addSubnet(n.address, n.prefix, n.family)
  return b
}

const CLASSES = RANGES.map(([what, nets]) => ({ what, list: blockList(nets.map((n) => parseNet(n)!)) }))

/** What keeps an IP address from being public unicast ('a loopback', …), or undefined when it is public. */
export function classifyAddress(address: string): string | undefined {
  const v = isIP(address)
  if (v === 0) return 'not an IP'
  const v4 = v === 6 ? unmapV4(address) : address
  const [addr, family]: [string, Family] = v4 ? [v4, 'ipv4'] : [address, 'ipv6']
  for (const c of CLASSES) if (c.list.check(addr, family)) return c.what
  if (family === 'ipv6' && !GLOBAL_UNICAST_V6.check(addr, 'ipv6')) return 'a reserved'
  return undefined
}

/** A delivery refused by the policy: failed, and not worth retrying until the URL or the allow list changes. */
export class WebhookAddressRefused extends Error {
  override name = 'WebhookAddressRefused'
  readonly code = 'EWEBHOOKREFUSED'
}

export interface WebhookGuard {
  /** why the address may not be called (`127.0.0.1 is a loopback address`), or undefined when it may */
  refusal(address: string): string | undefined
  /** the same for a URL whose host is an IP literal; host names pass (they are checked when connecting) */
  urlRefusal(url: string): string | undefined
  /** `dns.lookup` that drops refused addresses and fails with WebhookAddressRefused when none is left */
  lookup: typeof dnsLookup
}

/** `allowNets`: entries as parseNet takes them (validated by service/config.ts); malformed ones throw. */
export function createWebhookGuard(allowNets: readonly string[] = []): WebhookGuard {
  const allow = blockList(
    allowNets.map((e) => {
      const n = parseNet(e)
      if (!n) throw new Error(`${ALLOW_NETS_ENV} entry ${e} is not an IP address or CIDR`)
      return n
    }),
  )
  const refusal = (address: string): string | undefined => {
    const what = classifyAddress(address)
    if (what === undefined) return undefined
    const v4 = isIP(address) === 6 ? unmapV4(address) : undefined
    if (v4 ? allow.check(v4, 'ipv4') : allow.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6'))
      return undefined
    return `${address} is ${what} address`
  }
  const urlRefusal = (url: string): string | undefined => {
    let host: string
    try {
      host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')
    } catch {
      return undefined // the schema answers malformed URLs
    }
    return isIP(host) ? refusal(host) : undefined
  }
  const lookup = ((hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, options.all ? [] : '', 4)
      const ok = addresses.filter((a) => refusal(a.address) === undefined)
      if (ok.length === 0) {
        const why = addresses.map((a) => refusal(a.address)).join(', ')
        return callback(new WebhookAddressRefused(`refused: ${why} (${ALLOW_NETS_ENV})`), '', 4)
      }
      if (options.all) callback(null, ok)
      else callback(null, ok[0]!.address, ok[0]!.family)
    })
  }) as typeof dnsLookup
  return { refusal, urlRefusal, lookup }
}
type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void

/**
 * The notifier's default fetch: undici with an Agent whose connector checks every address it connects to —
 * IP-literal hosts directly (net.connect does not look those up), host names through `guard.lookup`.
 */
export function createGuardedFetch(
  guard: WebhookGuard,
  timeouts: { connectTimeoutMs?: number; idleTimeoutMs?: number } = {},
): { fetch: FetchLike; close(): Promise<void> } {
  // the agent's own timeouts are per phase (connect, waiting for headers, silence between body chunks);
  // the sender's deadline bounds the attempt as a whole
  const connector = buildConnector({ lookup: guard.lookup, timeout: timeouts.connectTimeoutMs })
  const agent = new Agent({
    headersTimeout: timeouts.idleTimeoutMs,
    bodyTimeout: timeouts.idleTimeoutMs,
    connect: (opts, callback) => {
      const why = isIP(opts.hostname) ? guard.refusal(opts.hostname) : undefined
      if (why) {
        queueMicrotask(() => callback(new WebhookAddressRefused(`refused: ${why} (${ALLOW_NETS_ENV})`), null))
        return
      }
      return connector(opts, callback)
    },
  })
  let closed: Promise<void> | undefined
  return {
    fetch: (url, init) =>
      undiciFetch(url, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher: agent,
      }) as unknown as Promise<Response>,
    close: () => {
      closed ??= agent.close()
      return closed
    },
  }
}
