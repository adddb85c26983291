// Dates, numbers and units in the user's language (i18n/make-format.ts), following the language switch.
import { computed } from '@preact/signals'
import { lang } from './i18n/index.ts'
import { type Format, makeFormat } from './i18n/make-format.ts'

export type { Format }

export const fmt = computed<Format>(() => makeFormat(lang.value))
