// Pure rendering: the text a person reads (title + lines), our signed JSON body and the group-robot
// bodies of WeCom, DingTalk and Feishu, and their signatures.
import { createHmac } from 'node:crypto'
import { type Severity, severityRank } from '../domain/alerts.ts'
import type { NotifyItem, NotifyReason, OutgoingMessage, SiteInfo, WebhookFormat } from './types.ts'

const REASON_TAG: Record<NotifyReason, string> = {
  raised: '',
  severity_changed: 'severity raised',
  repeat: 'still unacknowledged',
  escalation: 'ESCALATED: not acknowledged',
  cleared: 'CLEARED',
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-11-21 19:57:03 (UTC+8)` in the site's local time. */
export function formatTime(ms: number, utcOffsetMin = 0): string {
  const d = new Date(ms + utcOffsetMin * 60_000)
  const off = utcOffsetMin / 60
  const zone = utcOffsetMin === 0 ? 'UTC' : `UTC${off > 0 ? '+' : '-'}${Math.abs(off)}`
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} (${zone})`
}

export const siteLabel = (siteId: string, site?: SiteInfo) =>
  site ? `${site.name} (${site.community})` : siteId

const topSeverity = (items: readonly NotifyItem[]): Severity =>
  items.reduce<Severity>(
    (top, i) => (severityRank(i.alert.severity) > severityRank(top) ? i.alert.severity : top),
    'warning',
  )

export function messageTitle(msg: OutgoingMessage): string {
  const where = siteLabel(msg.siteId, msg.site)
  const [first] = msg.items
  if (msg.items.length === 1 && first) {
    const tag = REASON_TAG[first.reason]
    const sev = first.reason === 'cleared' ? 'CLEARED' : first.alert.severity.toUpperCase()
    const extra = tag && first.reason !== 'cleared' ? ` (${tag})` : ''
    return `[${sev}] ${first.alert.type} at ${where}${extra}`
  }
  const open = msg.items.filter((i) => i.reason !== 'cleared')
  const sev = open.length ? topSeverity(open).toUpperCase() : 'CLEARED'
  return `[${sev}] ${msg.items.length} alert changes at ${where}`
}

/** One line per item, plain text. */
export function itemLine(item: NotifyItem, utcOffsetMin?: number): string {
  const a = item.alert
  const where = a.port === undefined ? a.deviceId : `${a.deviceId} port ${a.port}`
  const when =
    item.reason === 'cleared'
      ? `cleared ${formatTime(a.clearedAt ?? item.transition.at, utcOffsetMin)}`
      : `raised ${formatTime(a.raisedAt, utcOffsetMin)}`
  const value = a.lastValue === undefined ? '' : ` · last value ${a.lastValue}`
  const count = a.count > 1 ? ` · ${a.count}×` : ''
  const tag = REASON_TAG[item.reason]
  return `${tag ? `${tag} · ` : ''}${a.severity.toUpperCase()} ${a.type} · ${where} — ${a.message} · ${when}${value}${count} · alert ${a.id}`
}

export function messageText(msg: OutgoingMessage): string {
  return [messageTitle(msg), ...msg.items.map((i) => `- ${itemLine(i, msg.site?.utcOffsetMin)}`)].join('\n')
}

export function messageMarkdown(msg: OutgoingMessage): string {
  const lines = msg.items.map((i) => `- ${itemLine(i, msg.site?.utcOffsetMin)}`)
  return [`### ${messageTitle(msg)}`, '', ...lines].join('\n')
}

/** Our own format: every item with the full alert and the transition that caused it. */
export function jsonBody(msg: OutgoingMessage, sentAtMs: number) {
  const [first] = msg.items
  return {
    version: 1,
    id: msg.id,
    sentAt: sentAtMs,
    tenantId: msg.tenantId,
    site: { id: msg.siteId, ...(msg.site && { name: msg.site.name, community: msg.site.community }) },
    title: messageTitle(msg),
    // a single change is also given flat, the common case for simple receivers
    ...(msg.items.length === 1 &&
      first && { reason: first.reason, alert: first.alert, transition: first.transition }),
    items: msg.items,
  }
}

/** DingTalk custom robot: sign = urlencode(base64(HMAC-SHA256(key = secret, `${timestampMs}\n${secret}`))). */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64')
}

/** Feishu custom bot: sign = base64(HMAC-SHA256(key = `${timestampS}\n${secret}`, empty message)). */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64')
}

/** `sha256=<hex>` of the raw body with the channel secret: the X-Courtyard-Signature header. */
export function courtyardSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`
}

// the robots cap message size (WeCom markdown 4096 bytes of UTF-8, DingTalk 20000, Feishu 30 KB): a
// group of many alerts is cut to fit the smallest; site names in Chinese take 3 bytes a character
const MAX_ROBOT_BYTES = 4000
export function clip(s: string, maxBytes = MAX_ROBOT_BYTES): string {
  const buf = Buffer.from(s, 'utf8')
  if (buf.length <= maxBytes) return s
  // cutting inside a multi-byte character leaves U+FFFD at the end: drop it
  const head = buf
    .subarray(0, maxBytes - 3)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')
  return `${head}…`
}

export interface RenderedRequest {
  url: string
  body: string
}

/** The URL (with the DingTalk signature in its query) and the raw body for one attempt at `sentAtMs`. */
export function renderWebhook(
  format: WebhookFormat,
  url: string,
  msg: OutgoingMessage,
  sentAtMs: number,
  secret?: string,
): RenderedRequest {
  switch (format) {
    case 'json':
      return { url, body: JSON.stringify(jsonBody(msg, sentAtMs)) }
    case 'wecom':
      return {
        url,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content: clip(messageMarkdown(msg)) } }),
      }
    case 'dingtalk': {
      let target = url
      if (secret) {
        const u = new URL(url)
        u.searchParams.set('timestamp', String(sentAtMs))
        u.searchParams.set('sign', dingtalkSign(secret, sentAtMs))
        target = u.toString()
      }
      const body = {
        msgtype: 'markdown',
        markdown: { title: messageTitle(msg), text: clip(messageMarkdown(msg)) },
      }
      return { url: target, body: JSON.stringify(body) }
    }
    case 'feishu': {
      const ts = Math.floor(sentAtMs / 1000)
      const body = {
        ...(secret && { timestamp: String(ts), sign: feishuSign(secret, ts) }),
        msg_type: 'text',
        content: { text: clip(messageText(msg)) },
      }
      return { url, body: JSON.stringify(body) }
    }
  }
}
