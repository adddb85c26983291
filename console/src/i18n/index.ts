// Languages: zh-CN by default, English one click away, remembered in localStorage; `?lang=en` selects
// it. One dictionary per language with the same keys (en.ts is typed by zh-CN.ts's keys).
import { computed, signal } from '@preact/signals'
import { en } from './en.ts'
import { LANGS, type Lang, makeTranslate, type Translate } from './translate.ts'
import { type Dict, type MessageKey, zhCN } from './zh-CN.ts'

export type { Lang, MessageKey, Translate }
export { LANGS }

const DICTS: Record<Lang, Dict> = { 'zh-CN': zhCN, en }
const STORAGE_KEY = 'courtyard.lang'

const isLang = (v: unknown): v is Lang => LANGS.includes(v as Lang)

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang')
  if (isLang(fromUrl)) {
    localStorage.setItem(STORAGE_KEY, fromUrl)
    return fromUrl
  }
  const stored = localStorage.getItem(STORAGE_KEY)
  return isLang(stored) ? stored : 'zh-CN'
}

export const lang = signal<Lang>(initialLang())

export function setLang(l: Lang): void {
  lang.value = l
  localStorage.setItem(STORAGE_KEY, l)
  document.documentElement.lang = l
}

/** Reading it subscribes a component to the language: switching re-renders every label. */
export const t = computed<Translate>(() => makeTranslate(DICTS[lang.value]))
