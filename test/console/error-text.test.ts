// Why something failed, as the console says it: the refusals a person meets (session ended, not allowed, not found,
// too many tries, no answer) in the page's language, with the wait in minutes or seconds; any other API
// answer keeps the API's own sentence, which names what to fix.
import { describe, expect, it } from 'vitest'
import { en } from '../../console/src/i18n/en.ts'
import { type Dict, zhCN } from '../../console/src/i18n/zh-CN.ts'
import { errorText, type Failure } from '../../console/src/parts/error-text.ts'

const translate =
  (dict: Dict) =>
  (key: keyof Dict, vars?: Record<string, string | number>): string =>
    dict[key].replace(/\{(\w+)\}/g, (m, k: string) => (vars && k in vars ? String(vars[k]) : m))

const api = (status: number, retryAfterS?: number): Failure => ({
  status,
  message: 'an English sentence from the API',
  retryAfterS,
})

describe('errorText', () => {
  it.each<[string, Failure, string, string]>([
    ['an ended session', api(401), '登录已失效，请重新登录', 'Your sign-in has ended: sign in again'],
    ['a role that may not', api(403), '您的账号无权执行此操作', 'Your account may not do this'],
    [
      'a thing that is not there',
      api(404),
      '找不到：它不存在（可能已删除），或不在您的账号可以查看的范围内',
      'Not found: it does not exist (it may have been removed), or your account may not see it',
    ],
    [
      'the sign-in limit',
      api(429, 900),
      '尝试次数过多，请 15 分钟后再试',
      'Too many attempts: try again in 15 min',
    ],
    ['the request budget', api(429, 2), '操作过于频繁，请 2 秒后再试', 'Too many requests: try again in 2 s'],
    [
      'a 429 without Retry-After',
      api(429),
      '操作过于频繁，请 1 秒后再试',
      'Too many requests: try again in 1 s',
    ],
    [
      'no answer in time',
      { message: 'x', timedOutS: 15 },
      '服务在 15 秒内没有应答',
      'the service did not answer within 15 s',
    ],
    [
      'no answer at all',
      { message: 'Failed to fetch', unreachable: true },
      '未能连接到服务',
      'the service could not be reached',
    ],
  ])('says %s in the page language', (_what, failure, zh, english) => {
    expect(errorText(failure, translate(zhCN))).toBe(zh)
    expect(errorText(failure, translate(en))).toBe(english)
  })

  it("keeps the API's sentence for anything else (it names the device, the field, the limit)", () => {
    expect(errorText(api(409), translate(zhCN))).toBe('an English sentence from the API')
    expect(errorText(api(400), translate(en))).toBe('an English sentence from the API')
  })
})
