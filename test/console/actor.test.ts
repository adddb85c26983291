// Who did it, as the console shows it: a person by display name when the page knows one, else by the
// username recorded; an API token by name marked as a token (a token may be named like a person), the
// engine and protective actions in the page's language.
import { describe, expect, it } from 'vitest'
import { en } from '../../console/src/i18n/en.ts'
import { makeFormat } from '../../console/src/i18n/make-format.ts'
import { makeTranslate } from '../../console/src/i18n/translate.ts'
import { type Dict, zhCN } from '../../console/src/i18n/zh-CN.ts'
import { actorLabel, isPerson, type PeopleNames } from '../../console/src/parts/actor.ts'
import { notificationText } from '../../console/src/parts/notification-words.ts'

const translate =
  (dict: Dict) =>
  (key: keyof Dict, vars?: Record<string, string>): string =>
    dict[key].replace(/\{(\w+)\}/g, (m, k: string) => (vars && k in vars ? String(vars[k]) : m))

describe('actorLabel', () => {
  it.each([
    ['user:alice', 'alice', 'alice'],
    ['token:alice', 'alice（API 令牌）', 'alice (API token)'],
    ['token:admin', 'admin（API 令牌）', 'admin (API token)'],
    ['system', '系统', 'system'],
    ['auto', '自动保护', 'automatic protection'],
  ])('shows %s as %s in Chinese and %s in English', (by, zh, english) => {
    expect(actorLabel(by, translate(zhCN))).toBe(zh)
    expect(actorLabel(by, translate(en))).toBe(english)
  })

  it('never shows a person and a token of the same name alike', () => {
    for (const dict of [zhCN, en])
      expect(actorLabel('token:alice', translate(dict))).not.toBe(actorLabel('user:alice', translate(dict)))
  })

  it("tells a person's or an integration's words from the engine's", () => {
    expect(['user:alice', 'token:work-orders', 'system', 'auto'].map(isPerson)).toEqual([
      true,
      true,
      false,
      false,
    ])
  })
})

describe('actorLabel with the display names the page knows', () => {
  // wang.crew's account was made at 1,000; an earlier, removed account of that name acted before
  const listed = new Map([['wang.crew', { displayName: '王师傅', createdAt: 1_000 }]])
  const names: PeopleNames = {
    displayNameOf: (username, at) => {
      const p = listed.get(username)
      return p && (at === undefined || at >= p.createdAt) ? p.displayName : undefined
    },
  }

  it('shows a person by display name, in either language', () => {
    for (const dict of [zhCN, en])
      expect(actorLabel('user:wang.crew', translate(dict), names, 5_000)).toBe('王师傅')
  })

  it('shows the username recorded for a person it has no display name for (none given, removed, another tenant)', () => {
    expect(actorLabel('user:li.crew', translate(en), names, 5_000)).toBe('li.crew')
  })

  it("does not give a person's display name to an act from before their account: the name was someone else's", () => {
    expect(actorLabel('user:wang.crew', translate(en), names, 999)).toBe('wang.crew')
  })

  it('never takes a token named like a person, nor the engine, for that person', () => {
    const tokenNames: PeopleNames = { displayNameOf: () => '王师傅' }
    expect(actorLabel('token:wang.crew', translate(en), tokenNames)).toBe('wang.crew (API token)')
    expect(actorLabel('system', translate(en), tokenNames)).toBe('system')
    expect(actorLabel('auto', translate(en), tokenNames)).toBe('automatic protection')
  })

  it("names who acknowledged an alert in its notification's outcome", () => {
    const n = {
      kind: 'sent',
      reason: 'raised',
      channelType: 'webhook',
      state: 'dropped',
      cause: 'acknowledged',
      acknowledgedBy: 'user:wang.crew',
      at: 5_000,
    }
    const w = (dict: Dict, lang: 'zh-CN' | 'en') => ({ tr: makeTranslate(dict), f: makeFormat(lang) })
    expect(notificationText(n, w(zhCN, 'zh-CN'), names)).toBe('告警产生 · 未发送：王师傅 已确认')
    expect(notificationText(n, w(en, 'en'), names)).toBe('Raised · not sent: acknowledged by 王师傅')
  })
})
