import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  change,
  eachWithReceiver,
  makeAlert,
  type NotifyHarness,
  type Receiver,
  SEC,
  T0,
} from './notify-support.ts'

describe('group-robot formats', () => {
  let h: NotifyHarness
  let rx: Receiver
  eachWithReceiver((harness, receiver) => {
    h = harness
    rx = receiver
  })

  async function sendOne(format: 'wecom' | 'dingtalk' | 'feishu', secret?: string, path = '/robot?key=k1') {
    h.route({ channelIds: [h.webhook(`${rx.url}${path}`, { format, secret })] })
    const alert = makeAlert({ type: 'port_overheat', severity: 'critical', port: 4, lastValue: 77.5 })
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    expect(rx.received).toHaveLength(1)
    return { req: rx.received[0]!, alert }
  }

  it('WeCom gets {msgtype: markdown, markdown: {content}} naming the alert, site and local time', async () => {
    const { req, alert } = await sendOne('wecom', undefined)
    expect(Object.keys(req.body)).toEqual(['msgtype', 'markdown'])
    expect(req.body.msgtype).toBe('markdown')
    const content: string = req.body.markdown.content
    expect(content).toMatch(/^### \[CRITICAL\] port_overheat at Shed A \(Garden Court\)/)
    expect(content).toContain('pile-01 port 4')
    expect(content).toContain('last value 77.5')
    expect(content).toContain(alert.id)
    // T0 is 11:00 UTC: 19:00 in Shanghai
    expect(content).toContain('2026-11-21 19:00:00 (UTC+8)')
    expect(req.url).toBe('/robot?key=k1')
    expect(req.headers['x-courtyard-signature']).toBeUndefined()
  })

  it('DingTalk gets {msgtype: markdown, markdown: {title, text}} and a timestamp + sign query it can verify', async () => {
    const secret = 'SEC0123456789abcdef'
    const { req } = await sendOne('dingtalk', secret, '/robot/send?access_token=tok')
    expect(req.body.msgtype).toBe('markdown')
    expect(req.body.markdown.title).toBe('[CRITICAL] port_overheat at Shed A (Garden Court)')
    expect(req.body.markdown.text).toContain('pile-01 port 4')

    const q = new URL(req.url, 'http://x').searchParams
    expect(q.get('access_token')).toBe('tok')
    const timestamp = q.get('timestamp')!
    expect(Number(timestamp)).toBe(T0 + 30 * SEC)
    // what DingTalk computes: base64(HMAC-SHA256(secret, "timestamp\nsecret")), sent urlencoded
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64')
    expect(q.get('sign')).toBe(expected)
    expect(req.url).toContain(`sign=${encodeURIComponent(expected)}`)
  })

  it('Feishu gets {msg_type: text, content: {text}} with timestamp (s) and sign in the body', async () => {
    const secret = 'feishu-secret'
    const { req } = await sendOne('feishu', secret)
    expect(req.body.msg_type).toBe('text')
    expect(req.body.content.text).toMatch(/^\[CRITICAL\] port_overheat at Shed A/)
    expect(req.body.timestamp).toBe(String((T0 + 30 * SEC) / 1000))
    // Feishu: base64(HMAC-SHA256 keyed with "timestamp\nsecret" over an empty message)
    const expected = createHmac('sha256', `${req.body.timestamp}\n${secret}`).update('').digest('base64')
    expect(req.body.sign).toBe(expected)
  })

  it('treats a robot answering 200 with a non-zero errcode as failed: given up on a bad key, retried on a rate limit', async () => {
    h.route({
      channelIds: [h.webhook(`${rx.url}/robot`, { format: 'wecom', secret: undefined })],
      repeatEveryMin: { critical: null },
    })
    rx.answerBody(200, { errcode: 93000, errmsg: 'invalid webhook url' })
    h.emit(change(makeAlert(), 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(1)

    rx.answerBody(200, { errcode: 45009, errmsg: 'api freq out of limit' })
    h.emit(change(makeAlert(), 'raised', T0 + 60 * SEC))
    await h.tickAt(T0 + 90 * SEC)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBe(1)
    await h.tickAt(T0 + 120 * SEC)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBe(1)
    expect(rx.received).toHaveLength(3)
  })

  it("a device's hostile text reaches a WeCom chat on its own item line, without links or markup", async () => {
    h.route({ channelIds: [h.webhook(`${rx.url}/robot?key=k1`, { format: 'wecom' })] })
    const text =
      'smoke\n### ✅ CLEARED [all fine](http://evil.test) <font color="info">ok</font> **done**\u202E'
    h.emit(change(makeAlert({ message: text }), 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)

    expect(rx.received).toHaveLength(1)
    const content: string = rx.received[0]!.body.markdown.content
    const lines = content.split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[2]).toContain(
      'smoke ＃＃＃ ✅ CLEARED ［all fine］(http：//evil.test) ＜font color="info"＞ok＜/font＞ ＊＊done＊＊ ·',
    )
    expect(content).not.toContain('\u202E')
  })
})
