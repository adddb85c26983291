// Pure rendering: the text a person reads (title + lines), our signed JSON body and the group-robot
// bodies of WeCom, DingTalk and Feishu, and their signatures. Text that did not come from us (what a
// device put in `detail`, `room`, `door`, `circuit`, hence alert messages and values; names) goes through
// the escape function of the format it lands in, so a compromised device cannot write a line of its
// own ("\n✅ CLEARED"), a link or markup into a crew's chat or mail.
import { createHmac } from 'node:crypto'
import { type Severity, severityRank } from '../domain/alerts.ts'
import { capChars, deviceText } from '../domain/device-text.ts'
import type { NotifyItem, NotifyReason, OutgoingMessage, SiteInfo, WebhookFormat } from './types.ts'

const REASON_TAG: Record<NotifyReason, string> = {
  raised: '',
  severity_changed: 'severity raised',
  repeat: 'still unacknowledged',
  escalation: 'ESCALATED: not acknowledged',
  cleared: 'CLEARED',
}

// ---- foreign text, per format ---------------------------------------------------------------------

/** Escapes one piece of foreign text for a format and cuts it to `maxChars` characters. */
export type Escape = (text: string, maxChars: number) => string

/** Header (email subject): one line, no control or invisible characters, capped (domain/device-text.ts). */
export const escapeHeader: Escape = deviceText

// `http://x`, `https://x`, `javascript:…//`, `www.x`: chat apps and mail clients turn these into links
// by themselves; a full-width colon or dot reads the same to a person and is never a link
const defang = (text: string) =>
  text.replace(/([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1：').replace(/\bwww\./gi, 'www．')

/** Plain text (Feishu text, the mail body): one line, no links. */
export const escapePlain: Escape = (text, maxChars) => defang(escapeHeader(text, maxChars))

// the robots' markdown dialects differ (backslash escapes are not documented for any of them, WeCom
// renders <font> tags), so a markdown character is replaced by its full-width twin: it reads the same and
// is never syntax. Line-start syntax (#, -, >, 1.) cannot arise: foreign text never starts a line.
const MARKDOWN_TWIN: Record<string, string> = {
  '\\': '＼',
  '`': 'ˋ',
  '*': '＊',
  _: '＿',
  '~': '～',
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '#': '＃',
  '|': '｜',
  '&': '＆',
}
// `_` inside a word (short_circuit, pile_01) is never emphasis and stays as it is
const MARKDOWN_CHARS = /[\\`*~[\]<>#|&]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu

/** Robot markdown (WeCom, DingTalk): plain, and no markdown or HTML syntax. */
export const escapeMarkdown: Escape = (text, maxChars) =>
  escapePlain(text, maxChars).replace(MARKDOWN_CHARS, (c) => MARKDOWN_TWIN[c] ?? c)

/** Our JSON: the encoding is safe; only the length is capped. */
export const escapeJson: Escape = capChars

// per field, in characters: a device's `detail` is at most 512 by protocol, its `room` 64
const MAX = { message: 300, value: 64, name: 80 } as const

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

export const siteLabel = (siteId: string, site?: SiteInfo, esc: Escape = escapeHeader) =>
  site ? `${esc(site.name, MAX.name)} (${esc(site.community, MAX.name)})` : esc(siteId, MAX.name)

const topSeverity = (items: readonly NotifyItem[]): Severity =>
  items.reduce<Severity>(
    (top, i) => (severityRank(i.alert.severity) > severityRank(top) ? i.alert.severity : top),
    'warning',
  )

export function messageTitle(msg: OutgoingMessage, esc: Escape = escapeHeader): string {
  const where = siteLabel(msg.siteId, msg.site, esc)
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
export function itemLine(item: NotifyItem, utcOffsetMin?: number, esc: Escape = escapePlain): string {
  const a = item.alert
  const device = esc(a.deviceId, MAX.name)
  const where = a.port === undefined ? device : `${device} port ${a.port}`
  const when =
    item.reason === 'cleared'
      ? `cleared ${formatTime(a.clearedAt ?? item.transition.at, utcOffsetMin)}`
      : `raised ${formatTime(a.raisedAt, utcOffsetMin)}`
  const value = a.lastValue === undefined ? '' : ` · last value ${esc(String(a.lastValue), MAX.value)}`
  const count = a.count > 1 ? ` · ${a.count}×` : ''
  const tag = REASON_TAG[item.reason]
  return `${tag ? `${tag} · ` : ''}${a.severity.toUpperCase()} ${a.type} · ${where} — ${esc(a.message, MAX.message)} · ${when}${value}${count} · alert ${a.id}`
}

export function messageText(msg: OutgoingMessage): string {
  const lines = msg.items.map((i) => `- ${itemLine(i, msg.site?.utcOffsetMin, escapePlain)}`)
  return [messageTitle(msg, escapePlain), ...lines].join('\n')
}

export function messageMarkdown(msg: OutgoingMessage): string {
  const lines = msg.items.map((i) => `- ${itemLine(i, msg.site?.utcOffsetMin, escapeMarkdown)}`)
  return [`### ${messageTitle(msg, escapeMarkdown)}`, '', ...lines].join('\n')
}

/** An item with the alert's foreign strings capped (a receiver's JSON parser copes with any content). */
function jsonItem(item: NotifyItem): NotifyItem {
  const a = item.alert
  const alert = {
    ...a,
    message: escapeJson(a.message, MAX.message),
    ...(typeof a.lastValue === 'string' && { lastValue: escapeJson(a.lastValue, MAX.value) }),
  }
  return { ...item, alert }
}

/** Our own format: every item with the full alert and the transition that caused it. */
export function jsonBody(msg: OutgoingMessage, sentAtMs: number) {
  const items = msg.items.map(jsonItem)
  const [first] = items
  return {
    version: 1,
    id: msg.id,
    sentAt: sentAtMs,
    tenantId: msg.tenantId,
    site: { id: msg.siteId, ...(msg.site && { name: msg.site.name, community: msg.site.community }) },
    title: messageTitle(msg, escapeHeader),
    // a single change is also given flat, the common case for simple receivers
    ...(msg.items.length === 1 &&
      first && { reason: first.reason, alert: first.alert, transition: first.transition }),
    items,
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
        markdown: { title: messageTitle(msg, escapePlain), text: clip(messageMarkdown(msg)) },
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

/**
 * A message of our own words (an operator alert) in any webhook format: a title and lines of text, no
 * foreign text, so nothing to escape beyond the robots' size limit. `json` is the caller's object, signed
 * the way alert webhooks are (`x-courtyard-signature`).
 */
export function renderTextWebhook(
  format: WebhookFormat,
  url: string,
  text: { title: string; lines: string[]; json: Record<string, unknown> },
  sentAtMs: number,
  secret?: string,
): RenderedRequest {
  const plain = [text.title, ...text.lines].join('\n')
  switch (format) {
    case 'json':
      return { url, body: JSON.stringify(text.json) }
    case 'wecom':
      return { url, body: JSON.stringify({ msgtype: 'text', text: { content: clip(plain) } }) }
    case 'dingtalk': {
      let target = url
      if (secret) {
        const u = new URL(url)
        u.searchParams.set('timestamp', String(sentAtMs))
        u.searchParams.set('sign', dingtalkSign(secret, sentAtMs))
        target = u.toString()
      }
      return { url: target, body: JSON.stringify({ msgtype: 'text', text: { content: clip(plain) } }) }
    }
    case 'feishu': {
      const ts = Math.floor(sentAtMs / 1000)
      const body = {
        ...(secret && { timestamp: String(ts), sign: feishuSign(secret, ts) }),
        msg_type: 'text',
        content: { text: clip(plain) },
      }
      return { url, body: JSON.stringify(body) }
    }
  }
}
