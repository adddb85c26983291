import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDeliveryStore } from '../../notify/delivery-store.ts'
import { classifyAddress, createWebhookGuard, parseNet } from '../../notify/webhook-guard.ts'
import {
  change,
  LOOPBACK,
  MIN,
  makeAlert,
  type NotifyHarness,
  type Receiver,
  SEC,
  startNotifyHarness,
  startReceiver,
  T0,
} from './notify-support.ts'

describe('webhook address policy', () => {
  const TABLE: [address: string, refusedAs: string | undefined][] = [
    ['127.0.0.1', 'a loopback'],
    ['127.255.0.9', 'a loopback'],
    ['::1', 'a loopback'],
    ['10.0.0.5', 'a private'],
    ['172.16.0.1', 'a private'],
    ['172.31.255.255', 'a private'],
    ['192.168.1.1', 'a private'],
    ['fd12:3456::1', 'a private'],
    ['fc00::1', 'a private'],
    ['169.254.169.254', 'a link-local'],
    ['fe80::1', 'a link-local'],
    ['100.64.0.1', 'a shared (CGNAT)'],
    ['100.127.255.254', 'a shared (CGNAT)'],
    ['0.0.0.0', 'an unspecified'],
    ['::', 'an unspecified'],
    ['224.0.0.251', 'a multicast'],
    ['ff02::1', 'a multicast'],
    ['255.255.255.255', 'a broadcast'],
    ['192.0.2.10', 'a documentation'],
    ['2001:db8::1', 'a documentation'],
    ['198.18.0.1', 'a benchmarking'],
    ['240.0.0.1', 'a reserved'],
    // IPv4-mapped IPv6, dotted and hex
    ['::ffff:127.0.0.1', 'a loopback'],
    ['::ffff:7f00:1', 'a loopback'],
    ['::ffff:169.254.169.254', 'a link-local'],
    ['::ffff:10.1.2.3', 'a private'],
    // outside IPv6 global unicast (2000::/3): NAT64 of 127.0.0.1, site-local
    ['64:ff9b::7f00:1', 'a reserved'],
    ['fec0::1', 'a reserved'],
    // public unicast
    ['93.184.215.14', undefined],
    ['8.8.8.8', undefined],
    ['172.32.0.1', undefined],
    ['100.128.0.1', undefined],
    ['2606:4700:4700::1111', undefined],
    ['::ffff:8.8.8.8', undefined],
  ]

  it.each(TABLE)('%s is %s', (address, refusedAs) => {
    expect(classifyAddress(address)).toBe(refusedAs)
    const why = createWebhookGuard().refusal(address)
    expect(why).toBe(refusedAs && `${address} is ${refusedAs} address`)
  })

  it('lets the allow list (addresses and CIDRs, v4 and v6) override the classification, and only for what it lists', () => {
    const g = createWebhookGuard(['10.20.0.0/16', '127.0.0.1', 'fd00:1::/32', '169.254.169.254'])
    for (const ok of [
      '10.20.3.4',
      '127.0.0.1',
      '::ffff:127.0.0.1',
      '::ffff:10.20.0.1',
      'fd00:1:2::3',
      '169.254.169.254',
    ])
      expect(g.refusal(ok), ok).toBeUndefined()
    for (const no of ['10.21.0.1', '127.0.0.2', '::1', 'fd00:2::1', '169.254.169.253'])
      expect(g.refusal(no), no).toMatch(/ is an? [a-z-]+ address$/)
    // a mapped entry allows the v4 address in both spellings
    const mapped = createWebhookGuard(['::ffff:192.168.0.0/112'])
    expect(mapped.refusal('192.168.7.7')).toBeUndefined()
    expect(mapped.refusal('::ffff:192.168.7.7')).toBeUndefined()
  })

  it('checks IP-literal URL hosts as WHATWG parses them and leaves host names to send time', () => {
    const g = createWebhookGuard()
    expect(g.urlRefusal('http://[::1]:8080/x')).toBe('::1 is a loopback address')
    expect(g.urlRefusal('http://0x7f.1/')).toBe('127.0.0.1 is a loopback address')
    expect(g.urlRefusal('http://localhost/')).toBeUndefined()
    expect(g.urlRefusal('https://93.184.215.14/')).toBeUndefined()
  })

  it('parses allow-list entries and rejects malformed ones', () => {
    expect(parseNet('10.20.0.0/16')).toEqual({ address: '10.20.0.0', prefix: 16, family: 'ipv4' })
    expect(parseNet('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' })
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'intranet', '10.0.0/8', '10.0.0.0/', '1.2.3.4/8/8', ''])
      expect(parseNet(bad), bad).toBeUndefined()
    expect(() => createWebhookGuard(['nope'])).toThrow(/nope/)
  })
})

describe('webhook delivery to a host name resolving to loopback (send-time check)', () => {
  let h: NotifyHarness
  let rx: Receiver
  beforeEach(async () => {
    rx = await startReceiver()
  })
  afterEach(async () => {
    await h.close()
    await rx.close()
  })
  const deliverOne = async () => {
    // `localhost` passes the create-time check (not an IP literal): only the connection can be checked
    const ch = h.webhook(`http://localhost:${rx.port}/hook`)
    h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
    const alert = makeAlert()
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    return createDeliveryStore(h.db).forAlert(alert.id).sent
  }

  it('is refused by the default fetch: nothing reaches the receiver, the delivery is dead, not retried', async () => {
    h = startNotifyHarness({ webhookAllowNets: [] })
    const [d] = await deliverOne()
    expect(rx.received).toHaveLength(0)
    expect(d).toMatchObject({ state: 'dead', attempts: 1 })
    expect(d!.lastError).toMatch(
      /^refused: (127\.0\.0\.1|::1) is a loopback address.*\(NOTIFY_WEBHOOK_ALLOW_NETS\)$/,
    )
    expect(
      await h.metric('courtyard_notifications_total', { channel_type: 'webhook', outcome: 'dead' }),
    ).toBe(1)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBe(0)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
    await h.tickAt(T0 + 10 * MIN)
    expect(rx.received).toHaveLength(0)
    expect(await h.metric('courtyard_notification_retries_total', { channel_type: 'webhook' })).toBe(0)
  })

  it('is delivered when the allow list holds 127.0.0.1 and ::1', async () => {
    h = startNotifyHarness({ webhookAllowNets: LOOPBACK })
    const [d] = await deliverOne()
    expect(rx.received).toHaveLength(1)
    expect(rx.received[0]!.url).toBe('/hook')
    expect(d).toMatchObject({ state: 'delivered', attempts: 1 })
  })
})
