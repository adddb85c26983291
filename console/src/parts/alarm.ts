// The alarm sound: a WebAudio beep (no audio file to load). `window.__courtyardAlarm.beeps` counts every
// beep asked for, so a browser test can tell that the alarm went off even where no speaker is.
declare global {
  interface Window {
    __courtyardAlarm?: { beeps: number }
  }
}

export interface Beeper {
  beep(): void
}

export function createBeeper(): Beeper {
  let ctx: AudioContext | undefined
  window.__courtyardAlarm ??= { beeps: 0 }
  return {
    beep() {
      window.__courtyardAlarm!.beeps++
      try {
        ctx ??= new AudioContext()
        // browsers start the context suspended until the page had a gesture; resume is a no-op after
        void ctx.resume()
        const t0 = ctx.currentTime
        for (const [i, freq] of [880, 660].entries()) {
          const osc = ctx.createOscillator()
          const gain = ctx.createGain()
          osc.type = 'square'
          osc.frequency.value = freq
          gain.gain.setValueAtTime(0.15, t0 + i * 0.25)
          gain.gain.exponentialRampToValueAtTime(0.001, t0 + i * 0.25 + 0.22)
          osc.connect(gain).connect(ctx.destination)
          osc.start(t0 + i * 0.25)
          osc.stop(t0 + i * 0.25 + 0.23)
        }
      } catch {
        // no audio device: the banner still shows
      }
    },
  }
}
