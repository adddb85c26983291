// Foreign text (what devices send, hence alert messages and values) cannot add lines, links or markup to
// a crew's message, in any format.
import { describe, expect, it } from 'vitest'
import {
  type Escape,
  escapeHeader,
  escapeJson,
  escapeMarkdown,
  escapePlain,
  messageText,
  messageTitle,
  renderWebhook,
} from '../../notify/format.ts'
import type { NotifyItem, OutgoingMessage } from '../../notify/types.ts'
import { HOSTILE_TEXT } from '../../simulators/malformed.ts'
import { makeAlert, T0 } from './notify-support.ts'

const HOSTILE: [name: string, text: string][] = [
  ['a fake CLEARED line', 'smoke detected\n✅ CLEARED smoke at Shed A'],
  ['CRLF and a fake list item', 'ok\r\n- [CLEARED] all fine'],
  ['a markdown link', 'press [click](http://evil.example/x) now'],
  ['an angle-bracket autolink', 'see <http://evil.example>'],
  ['a bare URL and www', 'go to https://evil.example or www.evil.example'],
  ['bold and headings', '**bold** __under__ # title'],
  ['backticks', '`code` and ```fence```'],
  ['WeCom font tag and HTML', '<font color="info">resolved</font> <img src=x onerror=alert(1)>'],
  ['zero-width characters', 'sm\u200Boke\u200D de\uFEFFtected\u2060'],
  ['bidi controls', 'exit \u202Eliam.live\u202C \u2066x\u2069 \u200Fy'],
  ['Unicode separators and C1', 'a\u2028b\u2029c\u0085d\u009Be'],
  ['the simulator hostile text', HOSTILE_TEXT],
  ['a very long string', `${'A'.repeat(5000)}\nCLEARED`],
]

// what no escaped text may contain, whatever the format (JSON aside)
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/
const SCHEME_LINK = /[a-z]:\/\//i
const MARKDOWN = /[[\]<>*`#|~\\&]/

const ESCAPES: [name: string, esc: Escape, forbidden: RegExp[]][] = [
  ['header', escapeHeader, [LINE_BREAK, INVISIBLE]],
  ['plain', escapePlain, [LINE_BREAK, INVISIBLE, SCHEME_LINK, /www\./i]],
  ['markdown', escapeMarkdown, [LINE_BREAK, INVISIBLE, SCHEME_LINK, /www\./i, MARKDOWN, /(^|\W)_|_(\W|$)/]],
]

describe('escape functions', () => {
  for (const [format, esc, forbidden] of ESCAPES)
    it.each(HOSTILE)(`${format}: %s`, (_, text) => {
      const out = esc(text, 300)
      for (const re of forbidden) expect(out).not.toMatch(re)
      expect([...out].length).toBeLessThanOrEqual(300)
    })

  it.each<[Escape, string, number, string]>([
    [escapeHeader, 'smoke\n✅ CLEARED', 300, 'smoke ✅ CLEARED'],
    [escapePlain, 'go to https://evil.example', 300, 'go to https：//evil.example'],
    [escapePlain, 'www.evil.example', 300, 'www．evil.example'],
    [escapeMarkdown, '[click](http://evil)', 300, '［click］(http：//evil)'],
    [escapeMarkdown, '<http://evil>', 300, '＜http：//evil＞'],
    [escapeMarkdown, '**bold**', 300, '＊＊bold＊＊'],
    [escapeMarkdown, '`x`', 300, 'ˋxˋ'],
    [escapeMarkdown, 'fault short_circuit on _pile_', 300, 'fault short_circuit on ＿pile＿'],
    [escapeMarkdown, 'Room 2 (east) — 小班 3.5 °C', 300, 'Room 2 (east) — 小班 3.5 °C'],
    [escapeJson, 'a\nb', 300, 'a\nb'],
    [escapeJson, 'x'.repeat(10), 5, `${'x'.repeat(4)}…`],
    [escapeHeader, '😀'.repeat(10), 5, `${'😀'.repeat(4)}…`],
  ])('%o turns %j (at most %i characters) into %j', (esc, input, max, expected) => {
    expect(esc(input, max)).toBe(expected)
  })
})

const hostileItem = (text: string): NotifyItem => {
  const alert = makeAlert({ message: text, lastValue: text, deviceId: 'pile-01' })
  return { reason: 'raised', alert, transition: { alertId: alert.id, kind: 'raised', at: T0, by: 'system' } }
}
const hostileMsg = (text: string): OutgoingMessage => ({
  id: 'ntf-1',
  tenantId: 'acme',
  siteId: 'acme-shed',
  site: { tenantId: 'acme', name: 'Shed A', community: 'Garden Court', utcOffsetMin: 480 },
  items: [hostileItem(text)],
})

describe('rendered messages with hostile alert text', () => {
  it.each(HOSTILE)('%s: every format keeps one line per item and no foreign markup', (_, text) => {
    const m = hostileMsg(text)
    const wecom: string = JSON.parse(renderWebhook('wecom', 'https://x.example/w', m, T0).body).markdown
      .content
    const ding = JSON.parse(renderWebhook('dingtalk', 'https://x.example/d', m, T0).body).markdown
    const feishu: string = JSON.parse(renderWebhook('feishu', 'https://x.example/f', m, T0).body).content.text
    const json = JSON.parse(renderWebhook('json', 'https://x.example/j', m, T0).body)
    // title, blank line, one item
    expect(wecom.split('\n')).toHaveLength(3)
    expect(ding.text.split('\n')).toHaveLength(3)
    expect(feishu.split('\n')).toHaveLength(2)
    expect(messageText(m).split('\n')).toHaveLength(2)
    for (const body of [wecom, ding.text]) {
      const [, , line] = body.split('\n')
      expect(line!.slice(2)).not.toMatch(MARKDOWN)
      expect(body).not.toMatch(SCHEME_LINK)
      expect(body).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/)
    }
    expect(feishu).not.toMatch(SCHEME_LINK)
    expect(messageTitle(m)).not.toMatch(LINE_BREAK)
    expect(ding.title).not.toMatch(LINE_BREAK)
    // JSON keeps the text as sent (its encoding is safe), capped
    expect([...json.alert.message].length).toBeLessThanOrEqual(300)
    if ([...text].length <= 300) expect(json.alert.message).toBe(text)
    else expect(json.alert.message).toMatch(/…$/)
    expect([...json.items[0].alert.lastValue].length).toBeLessThanOrEqual(64)
  })
})
