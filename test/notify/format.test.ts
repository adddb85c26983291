import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { dingtalkSign, feishuSign, formatTime, messageTitle, renderWebhook } from '../../notify/format.ts'
import type { NotifyItem, NotifyReason, OutgoingMessage } from '../../notify/types.ts'
import { makeAlert, T0 } from './notify-support.ts'

const item = (reason: NotifyReason, over = {}): NotifyItem => {
  const alert = makeAlert(over)
  return { reason, alert, transition: { alertId: alert.id, kind: 'raised', at: T0, by: 'system' } }
}
const msg = (...items: NotifyItem[]): OutgoingMessage => ({
  id: 'ntf-1',
  tenantId: 'acme',
  siteId: 'acme-shed',
  site: { tenantId: 'acme', name: 'Shed A', community: 'Garden Court', utcOffsetMin: 480 },
  items,
})

describe('message text', () => {
  it.each<[string, OutgoingMessage, string]>([
    ['a raise', msg(item('raised')), '[CRITICAL] smoke at Shed A (Garden Court)'],
    ['a repeat', msg(item('repeat')), '[CRITICAL] smoke at Shed A (Garden Court) (still unacknowledged)'],
    [
      'an escalation',
      msg(item('escalation')),
      '[CRITICAL] smoke at Shed A (Garden Court) (ESCALATED: not acknowledged)',
    ],
    ['a clear', msg(item('cleared')), '[CLEARED] smoke at Shed A (Garden Court)'],
    [
      'a group, by its most severe open alert',
      msg(item('raised', { severity: 'major' }), item('raised', { severity: 'critical' }), item('cleared')),
      '[CRITICAL] 3 alert changes at Shed A (Garden Court)',
    ],
    [
      'a group of clears',
      msg(item('cleared'), item('cleared')),
      '[CLEARED] 2 alert changes at Shed A (Garden Court)',
    ],
    ['an unknown site, by id', { ...msg(item('raised')), site: undefined }, '[CRITICAL] smoke at acme-shed'],
  ])('titles %s', (_, m, title) => {
    expect(messageTitle(m)).toBe(title)
  })

  it('writes times in the site local time with its offset', () => {
    expect(formatTime(Date.UTC(2026, 0, 1, 23, 30), 480)).toBe('2026-01-02 07:30:00 (UTC+8)')
    expect(formatTime(Date.UTC(2026, 0, 1, 23, 30))).toBe('2026-01-01 23:30:00 (UTC)')
    expect(formatTime(Date.UTC(2026, 0, 1, 3, 0), -300)).toBe('2025-12-31 22:00:00 (UTC-5)')
  })
})

describe('signatures', () => {
  it('DingTalk signs "timestamp\\nsecret" with the secret as key (their documented example shape)', () => {
    const expected = createHmac('sha256', 'SECabc').update('1700000000000\nSECabc').digest('base64')
    expect(dingtalkSign('SECabc', 1_700_000_000_000)).toBe(expected)
  })

  it('Feishu keys the HMAC with "timestamp\\nsecret" over an empty message', () => {
    const expected = createHmac('sha256', '1700000000\nabc').digest('base64')
    expect(feishuSign('abc', 1_700_000_000)).toBe(expected)
    expect(feishuSign('abc', 1_700_000_000)).not.toBe(dingtalkSign('abc', 1_700_000_000))
  })

  it('leaves robot URLs unsigned without a secret and clips long robot messages', () => {
    const many = msg(...Array.from({ length: 60 }, () => item('raised', { message: 'x'.repeat(100) })))
    const r = renderWebhook('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=t', many, T0)
    expect(r.url).toBe('https://oapi.dingtalk.com/robot/send?access_token=t')
    expect(Buffer.byteLength(JSON.parse(r.body).markdown.text)).toBeLessThanOrEqual(4096)
    const chinese = msg(
      ...Array.from({ length: 60 }, () => item('raised', { message: '充电桩端口温度过高'.repeat(5) })),
    )
    const w = renderWebhook('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', chinese, T0)
    const content: string = JSON.parse(w.body).markdown.content
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096)
    expect(content).toMatch(/…$/)
    expect(content).not.toContain('\uFFFD')
  })
})
