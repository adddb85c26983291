// A clock signal for "5 min ago" labels: one timer for the whole page.
import { signal } from '@preact/signals'

export const now = signal(Date.now())
setInterval(() => {
  now.value = Date.now()
}, 15_000)
