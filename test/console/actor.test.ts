// Who did it, as the console shows it: a person by name, an API token by name marked as a token (a token
// may be named like a person), the engine and protective actions in the page's language.
import { describe, expect, it } from 'vitest'
import { en } from '../../console/src/i18n/en.ts'
import { type Dict, zhCN } from '../../console/src/i18n/zh-CN.ts'
import { actorLabel, isPerson } from '../../console/src/parts/actor.ts'

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
