// What the console says for the server's codes, in both languages: every alert type of the catalogue
// (from the fields the rules fill in: port, lastValue, severity, a stray-wire alert's evidence), every
// port fault code, every command and result, every device event, every notification outcome; a code it
// does not know yet still reads as a sentence; times are the site's, marked with its zone when the
// viewer's clock is another; a chart's value axis fits its widest label.
import { describe, expect, it } from 'vitest'
import { SIGNATURE_KINDS } from '../../alerts/index.ts'
import type { CommandStepDetail } from '../../alerts/protective-command.ts'
import { DEFAULT_ALERT_SETTINGS } from '../../alerts/settings.ts'
import type { StrayWireEvidence } from '../../alerts/stray-wire-explain.ts'
import type { RuleDevice } from '../../alerts/types.ts'
import { en } from '../../console/src/i18n/en.ts'
import { makeFormat } from '../../console/src/i18n/make-format.ts'
import { makeTranslate } from '../../console/src/i18n/translate.ts'
import { type Dict, zhCN } from '../../console/src/i18n/zh-CN.ts'
import {
  alertEvidence,
  alertSummary,
  alertTypeName,
  alertValue,
  faultName,
} from '../../console/src/parts/alert-words.ts'
import { valueAxisWidth } from '../../console/src/parts/axis-width.ts'
import {
  commandFailure,
  commandResult,
  commandStepText,
  commandText,
} from '../../console/src/parts/command-words.ts'
import { eventText } from '../../console/src/parts/event-words.ts'
import { notificationText } from '../../console/src/parts/notification-words.ts'
import { learnedLoadText, strayWireEvidence } from '../../console/src/parts/stray-wire-words.ts'
import type { Words } from '../../console/src/parts/words.ts'
import { DEFAULT_UTC_OFFSET_MIN } from '../../console/src/stores/site-settings.ts'
import { type LearnedLoad, SIGNATURE_KIND_LIST } from '../../console/src/types.ts'
import {
  type AirQualityEvidence,
  ALERT_TYPES,
  type Alert,
  type AlertType,
  type DeviceOfflineEvidence,
  type DisplayHardwareEvidence,
} from '../../domain/alerts.ts'
import { COMMAND_NAMES, EVENT_NAMES, PORT_FAULT_CODES } from '../../domain/protocol.ts'
import {
  device,
  display,
  perMinute,
  repeat,
  room,
  run,
  type Step,
  tick,
} from '../alerts/rules/rules-support.ts'

const BEIJING = 480
/** the viewer's phone at the site: its clock is the site's */
const zh: Words = { tr: makeTranslate(zhCN), f: makeFormat('zh-CN', { localOffsetMin: () => BEIJING }) }
const english: Words = { tr: makeTranslate(en), f: makeFormat('en', { localOffsetMin: () => BEIJING }) }
/** a laptop set to UTC */
const zhAbroad: Words = { tr: zh.tr, f: makeFormat('zh-CN', { localOffsetMin: () => 0 }) }
const enAbroad: Words = { tr: english.tr, f: makeFormat('en', { localOffsetMin: () => 0 }) }

/** 2026-11-21 23:53:00 at the site (UTC+8) */
const LOCAL_2353 = Date.parse('2026-11-21T23:53:00+08:00')
const MIN = 60_000

const HAN = /\p{Script=Han}/u
/** a code as the server or a device sends it: `short_circuit`, `stop_port`, `{"port"` */
const RAW = /[a-z]+_[a-z_]+|\{"/

/** A Chinese sentence: it has Chinese in it, and no raw code. */
const expectChinese = (s: string) => {
  expect(s, s).toMatch(HAN)
  expect(s, s).not.toMatch(RAW)
}
/** An English sentence: no Chinese (the dictionaries are not mixed up), and no raw code. */
const expectEnglish = (s: string) => {
  expect(s, s).not.toMatch(HAN)
  expect(s, s).not.toMatch(RAW)
  expect(s.trim(), 'not blank').not.toBe('')
}

const alert = (type: AlertType, over: Partial<Alert> = {}): Alert => ({
  id: 'a1',
  type,
  severity: 'major',
  state: 'active',
  deviceId: 'pile-1',
  siteId: 'site-1',
  message: 'the server’s English sentence',
  raisedAt: LOCAL_2353 + 15 * MIN,
  count: 1,
  updatedAt: LOCAL_2353 + 15 * MIN,
  ...over,
})

/** What alerts/stray-wire-explain.ts stores on a raise: a 182 W rectifier charger on a stairwell circuit. */
const EVIDENCE: StrayWireEvidence = {
  stepW: 176.4,
  levelW: 182.3,
  plateauSpreadPct: 3.2,
  backgroundW: 31,
  heldMin: 15,
  powerFactor: 0.64,
  currentThdPct: 95,
  harmonicVA: 160.2,
  harmonicPerW: 0.88,
  activePfc: false,
  startedUnderLoad: false,
  taper: 'not yet',
  usualW: 30,
  knownLoads: 2,
  why: ['step of +176 W', 'flat at 182 W (±1.6 %) for 15 min, no taper yet'],
}

/** What alerts/rules/air-quality.ts stores: CO2 and the summer band broken since 23:53. */
const AIR: AirQualityEvidence = {
  breaches: [
    { measure: 'co2Ppm', value: 1240, max: 1000, majorFrom: 1500 },
    { measure: 'tempC', value: 29.5, min: 22, max: 28, season: 'summer' },
  ],
  since: LOCAL_2353,
  room: 'activity',
}
/** What alerts/rules/display.ts stores: the fan, three modules and a sagging supply. */
const HARDWARE: DisplayHardwareEvidence = {
  faults: [
    { fault: 'fan' },
    { fault: 'modules', count: 3 },
    { fault: 'supply', voltageV: 4.2, minV: 4.5, maxV: 5.5 },
  ],
}
/** What alerts/rules/offline.ts stores: last heard at 23:53, three 60 s reports missed. */
const OFFLINE: DeviceOfflineEvidence = {
  reason: 'silent',
  lastMessageAt: LOCAL_2353,
  reportIntervalS: 60,
  intervals: 3,
}

/** Each type as the rules raise it (alerts/rules/*.ts: which fields they fill), and what a crew reads. */
const CATALOGUE: Record<
  AlertType,
  { alert: Partial<Alert>; zh: string; en: string; value?: [string, string] }
> = {
  smoke: {
    alert: { severity: 'critical', lastValue: true },
    zh: '检测到烟雾',
    en: 'Smoke detected',
    value: ['有烟雾', 'smoke'],
  },
  port_fault: {
    alert: { severity: 'critical', port: 1, lastValue: 'short_circuit' },
    zh: '1 号端口故障：短路',
    en: 'Port 1 fault: short circuit',
    value: ['短路', 'short circuit'],
  },
  port_overheat: {
    alert: { severity: 'critical', port: 5, lastValue: 78.5 },
    zh: '5 号端口温度过高：78.5°C',
    en: 'Port 5 overheating: 78.5°C',
    value: ['78.5°C', '78.5°C'],
  },
  leakage: {
    alert: { severity: 'critical', lastValue: 32 },
    zh: '总进线漏电流超标：32.0 mA',
    en: 'Feeder leakage current over the limit: 32.0 mA',
    value: ['32.0 mA', '32.0 mA'],
  },
  stray_wire_charging: {
    alert: { lastValue: 182, evidence: { ...EVIDENCE } },
    zh: '约 182\u00a0W 的充电器形负载，不在任何充电端口上，约 23:53起',
    en: 'A charger-shaped load of about 182\u00a0W, not on any charging port, since about 23:53',
    value: ['182\u00a0W', '182\u00a0W'],
  },
  device_offline: {
    alert: { severity: 'warning', evidence: { ...OFFLINE } },
    zh: '设备自 23:53起没有任何消息，已错过 3 次上报（每 1 分钟一次）',
    en: 'No message since 23:53: 3 reports missed (one every 1 min)',
  },
  emergency_call: {
    alert: { severity: 'critical', lastValue: 'activity-room' },
    zh: '有人按下紧急呼叫：activity-room',
    en: 'Emergency call: activity-room',
    value: ['activity-room', 'activity-room'],
  },
  fall_detected: {
    alert: { severity: 'critical', lastValue: 0.92 },
    zh: '检测到有人跌倒：置信度 92%',
    en: 'Fall detected: confidence 92%',
    value: ['置信度 92%', 'confidence 92%'],
  },
  // the door as the sensor names it, inside the sentence as a name (the service has no other name for it)
  wandering: {
    alert: { lastValue: 'east-gate' },
    zh: '非开放时间门“east-gate”被打开',
    en: 'Door “east-gate” opened after hours',
    value: ['门“east-gate”', 'door “east-gate”'],
  },
  air_quality: {
    alert: { severity: 'warning', lastValue: 1240, evidence: { ...AIR } },
    zh: 'activity 的空气自 23:53起超出标准：二氧化碳 1,240 ppm，超过 1,000 ppm；温度 29.5°C，超出夏季范围 22–28°C',
    en: 'Air in activity outside the limits since 23:53: CO₂ 1,240 ppm, over 1,000 ppm; temperature 29.5°C, outside the summer band 22–28°C',
    value: ['1,240.0', '1,240.0'],
  },
  display_blank: {
    alert: { lastValue: 'frozen' },
    zh: '屏幕开着却没有正常画面：画面冻结',
    en: 'Screen powered on but not showing: Frozen',
    value: ['画面冻结', 'Frozen'],
  },
  display_overheat: {
    alert: { lastValue: 63 },
    zh: '屏幕箱体温度过高：63°C',
    en: 'Display cabinet overheating: 63°C',
  },
  display_hardware: {
    alert: { severity: 'warning', evidence: { ...HARDWARE } },
    zh: '屏幕硬件故障：风扇故障；故障显示模组 3 块；供电电压 4.2 V，超出 4.5–5.5 V',
    en: 'Display hardware fault: fan failed; failed LED modules: 3; supply 4.2 V, outside 4.5–5.5 V',
  },
  display_tamper: {
    alert: { lastValue: true },
    zh: '在维护时段以外箱门被打开',
    en: 'Cabinet door opened outside a maintenance window',
    value: ['已打开', 'Open'],
  },
}

describe('an alert in words', () => {
  it.each(ALERT_TYPES)('says what a %s alert is, in Chinese and in English', (type) => {
    const c = CATALOGUE[type]
    const a = alert(type, c.alert)
    const [zhText, enText] = [alertSummary(a, zh, BEIJING), alertSummary(a, english, BEIJING)]
    expect(zhText).toBe(c.zh)
    expect(enText).toBe(c.en)
    expectChinese(zhText)
    expectEnglish(enText)
    expectChinese(alertTypeName(type, zh))
    expectEnglish(alertTypeName(type, english))
    if (c.value) expect([alertValue(a, zh), alertValue(a, english)]).toEqual(c.value)
    const zhValue = alertValue(a, zh)
    if (zhValue !== undefined) expect(zhValue).not.toMatch(RAW)
  })

  it.each(PORT_FAULT_CODES)('names the port fault %s in both languages, never as its code', (code) => {
    const a = alert('port_fault', { port: 3, lastValue: code })
    const zhText = alertSummary(a, zh)
    const enText = alertSummary(a, english)
    expectChinese(zhText)
    expectEnglish(enText)
    expect(zhText).toMatch(/^3 号端口故障：\p{Script=Han}+$/u)
    expect(enText).toMatch(/^Port 3 fault: [a-z -]+$/)
    expect(alertValue(a, zh)).toBe(faultName(code, zh))
  })

  it('gives every fault code its own words', () => {
    const names = PORT_FAULT_CODES.map((c) => faultName(c, zh))
    expect(new Set(names).size).toBe(PORT_FAULT_CODES.length)
    expect(new Set(PORT_FAULT_CODES.map((c) => faultName(c, english))).size).toBe(PORT_FAULT_CODES.length)
  })

  it('reads a fault code, an alert type or a value it does not know yet as a sentence, never a blank or a crash', () => {
    const fault = alert('port_fault', { port: 2, lastValue: 'arc_flash' })
    expect(alertSummary(fault, zh)).toBe('2 号端口故障：未知故障（代码 arc_flash）')
    expect(alertSummary(fault, english)).toBe('Port 2 fault: unknown fault (code arc_flash)')
    const future = alert('gas_leak' as AlertType, { lastValue: 3.5 })
    expect(alertSummary(future, zh)).toBe('gas leak告警：3.5')
    expect(alertSummary(future, english)).toBe('Alert: gas leak: 3.5')
    expect(alertTypeName('gas_leak', zh)).toBe('gas leak')
    expect(alertValue(future, english)).toBe('3.5')
    // the rules leave a field out: still a sentence
    for (const type of ALERT_TYPES)
      for (const w of [zh, english]) {
        const text = alertSummary(
          alert(type, { lastValue: undefined, port: undefined, evidence: undefined }),
          w,
        )
        expect(text.trim(), type).not.toBe('')
        expect(text, type).not.toMatch(/undefined|NaN|\{/)
      }
    expect(alertSummary(alert('port_fault', { lastValue: 'short_circuit' }), zh)).toBe('端口故障：短路')
  })

  it('says a stray-wire alert’s evidence as sentences a crew can check, from its figures', () => {
    expect(strayWireEvidence({ ...EVIDENCE }, zh)).toEqual([
      '功率突然增加 176\u00a0W',
      '稳定在 182\u00a0W（±1.6%），已持续 15 分钟',
      '还没有出现充电末期的功率回落（充电器会在之后几小时内逐渐减小功率）',
      '谐波电流每瓦 0.88\u00a0VA：没有功率因数校正的整流式充电器',
      '这条电路在这个时段通常只有约 30\u00a0W',
      '与这条电路已知的 2 种负载都对不上',
    ])
    expect(strayWireEvidence({ ...EVIDENCE }, english)).toEqual([
      'a step of +176\u00a0W',
      'flat at 182\u00a0W (±1.6 %) for 15 min',
      'no taper yet (a charger tapers off over the next hours)',
      'harmonic current 0.88\u00a0VA\u00a0per\u00a0W: a rectifier charger without PFC',
      'this circuit usually draws about 30\u00a0W at this hour',
      'matches none of its 2 known loads',
    ])
    // an active-PFC charger found when a heater went off, its plateau moving as other loads switched
    const pfc = {
      ...EVIDENCE,
      startedUnderLoad: true,
      activePfc: true,
      plateauSpreadPct: 14,
      powerFactor: null,
      currentThdPct: 8,
      usualW: null,
      knownLoads: 0,
    }
    expect(strayWireEvidence(pfc, zh)).toEqual([
      '在电暖器或清洁设备运行时出现，它们停下后仍有 182\u00a0W',
      '约 182\u00a0W，已持续 15 分钟；旁边有其他负载开关，读数波动 ±7.0%',
      '还没有出现充电末期的功率回落（充电器会在之后几小时内逐渐减小功率）',
      '功率因数 未知，电流谐波畸变率 8%：带有源功率因数校正（PFC）的充电器',
    ])
    for (const line of [...strayWireEvidence(pfc, english), ...strayWireEvidence({ ...EVIDENCE }, english)])
      expectEnglish(line)
    // evidence of another detector version, or none: what it has, nothing made up, no crash
    expect(strayWireEvidence({ levelW: 'lots', why: ['x'] }, zh)).toEqual([])
    expect(strayWireEvidence({ ...EVIDENCE, likeCompressor: { levelW: 250 } }, english)).toHaveLength(6)
  })

  it('says a charger seen stepping on a heater that still runs by its step and its harmonic current, no plateau', () => {
    const onHeater = { ...EVIDENCE, onHeaterW: 2000, heldMin: 5 }
    expect(strayWireEvidence(onHeater, english).slice(0, 3)).toEqual([
      'a step of +176\u00a0W on top of a heater of 2,000\u00a0W that still runs',
      'its harmonic current held under the heater for 5 min',
      'no taper yet (a charger tapers off over the next hours)',
    ])
    expect(strayWireEvidence(onHeater, zh).slice(0, 2)).toEqual([
      '在仍在运行的 2,000\u00a0W 电暖器之上，功率突然增加 176\u00a0W',
      '电暖器运行期间，它的谐波电流已持续 5 分钟',
    ])
  })

  it('says a charger topping up a nearly full pack fell minute after minute from its step, no plateau', () => {
    const topUp = { ...EVIDENCE, taper: 'tapering', heldMin: 9, plateauSpreadPct: 48 }
    expect(strayWireEvidence(topUp, english).slice(0, 3)).toEqual([
      'a step of +176\u00a0W',
      'falling minute after minute for 9 min since its step, as a charger tapers when its pack is nearly full',
      'harmonic current 0.88\u00a0VA\u00a0per\u00a0W: a rectifier charger without PFC',
    ])
    expect(strayWireEvidence(topUp, zh)[1]).toBe(
      '接入后 9 分钟内功率逐分钟回落，与电池将满时充电器的回落一致',
    )
    // with the fall's ends (what the detector stores since): said in watts
    const withFall = { ...topUp, taperFromW: 241.6, taperToW: 150.2 }
    expect(strayWireEvidence(withFall, english)[1]).toBe(
      'falling minute after minute from 242\u00a0W to 150\u00a0W in 9 min since its step, as a charger tapers when its pack is nearly full',
    )
    expect(strayWireEvidence(withFall, zh)[1]).toBe(
      '接入后 9 分钟内功率从 242\u00a0W 逐分钟回落到 150\u00a0W，与电池将满时充电器的回落一致',
    )
  })

  it('says why a load of a compressor’s size was a charger: it faded, or it outlasted the runs', () => {
    // watts only: taken for the dehumidifier's run and followed, then told apart by its time alone (no
    // waveform, no "matches none of its known loads": it matched one by size)
    const followed: StrayWireEvidence = {
      ...EVIDENCE,
      heldMin: 104,
      powerFactor: null,
      currentThdPct: null,
      harmonicVA: null,
      harmonicPerW: null,
      taper: 'tapering',
      likeCompressor: {
        levelW: 255,
        by: 'circuit',
        seenOnce: false,
        told: 'faded',
        heldMin: 104,
        timedRuns: 9,
        longestMin: 175,
      },
    }
    expect(strayWireEvidence({ ...followed }, english)).toEqual([
      'a step of +176\u00a0W',
      "the size of this circuit's compressor of 255\u00a0W, but after 104 min it faded as a charge tapers: a compressor's run stops at once",
      'this circuit usually draws about 30\u00a0W at this hour',
    ])
    expect(strayWireEvidence({ ...followed }, zh)).toEqual([
      '功率突然增加 176\u00a0W',
      '大小与这条电路上约 255\u00a0W 的压缩机相同，但 104 分钟后像充电末期那样逐渐回落，而压缩机停机是一下子停的',
      '这条电路在这个时段通常只有约 30\u00a0W',
    ])
    const outlasted = (like: Partial<NonNullable<StrayWireEvidence['likeCompressor']>>) =>
      strayWireEvidence(
        {
          ...followed,
          taper: 'not yet',
          likeCompressor: { ...followed.likeCompressor!, told: 'outlasted', ...like },
        },
        english,
      )[1]
    expect(outlasted({ heldMin: 230 })).toBe(
      "the size of this circuit's compressor of 255\u00a0W, but on for 230 min: longer than any of its 9 runs seen whole (the longest 175 min)",
    )
    expect(outlasted({ heldMin: 250, seenOnce: true, timedRuns: 0, longestMin: null })).toBe(
      "the size of this circuit's compressor of 255\u00a0W (seen run only once), but on for 250 min: longer than a compressor runs",
    )
    expect(outlasted({ heldMin: 245, by: 'crew', longestMin: null })).toBe(
      'the size of the compressor of 255\u00a0W a crew named, but on for 245 min: longer than a compressor runs',
    )
    for (const like of [{ heldMin: 230 }, { by: 'crew' as const, longestMin: null }]) {
      const zhLine = strayWireEvidence(
        { ...followed, likeCompressor: { ...followed.likeCompressor!, told: 'outlasted', ...like } },
        zh,
      )[1]!
      expect(zhLine).toMatch(HAN)
      expect(zhLine).not.toMatch(RAW)
    }
    expect(strayWireEvidence(undefined, english)).toEqual([])
  })

  it('says an air_quality alert’s every breach from its figures: CO₂ at major, PM2.5, humidity out of the winter band', () => {
    const a = (evidence: AirQualityEvidence) =>
      alert('air_quality', { evidence, raisedAt: LOCAL_2353 + 15 * MIN })
    const major = a({ ...AIR, breaches: [{ measure: 'co2Ppm', value: 1620, max: 1000, majorFrom: 1500 }] })
    expect(alertSummary(major, zh, BEIJING)).toBe(
      'activity 的空气自 23:53起超出标准：二氧化碳 1,620 ppm，超过 1,000 ppm（达到 1,500 ppm 为严重）',
    )
    expect(alertSummary(major, english, BEIJING)).toBe(
      'Air in activity outside the limits since 23:53: CO₂ 1,620 ppm, over 1,000 ppm (major from 1,500 ppm)',
    )
    const winter = a({
      breaches: [
        { measure: 'pm25Ugm3', value: 82.4, max: 75 },
        { measure: 'humidityPct', value: 25, min: 30, max: 60, season: 'winter' },
      ],
      since: LOCAL_2353,
    })
    expect(alertSummary(winter, zh, BEIJING)).toBe(
      '室内空气自 23:53起超出标准：PM2.5 82.4 µg/m³，超过 75 µg/m³；湿度 25%，超出冬季范围 30–60%',
    )
    expect(alertSummary(winter, english, BEIJING)).toBe(
      'Indoor air outside the limits since 23:53: PM2.5 82.4 µg/m³, over 75 µg/m³; humidity 25%, outside the winter band 30–60%',
    )
    // a viewer on another clock sees the site's time, marked
    expect(alertSummary(winter, enAbroad, BEIJING)).toContain('since 23:53 (UTC+8)')
  })

  it('says a display_hardware alert’s faults, a module_failure event without a count too', () => {
    const bare = alert('display_hardware', { evidence: { faults: [{ fault: 'modules' }] } })
    expect(alertSummary(bare, zh)).toBe('屏幕硬件故障：显示模组故障')
    expect(alertSummary(bare, english)).toBe('Display hardware fault: LED modules failed')
  })

  it('says when an offline device was last heard, or when it disconnected, and how long was waited', () => {
    const will = (e: DeviceOfflineEvidence) =>
      alert('device_offline', { evidence: e, raisedAt: LOCAL_2353 + 2 * MIN })
    const w1 = will({
      reason: 'will',
      disconnectedAt: LOCAL_2353,
      holdS: 120,
      lastMessageAt: LOCAL_2353 - MIN,
    })
    expect(alertSummary(w1, zh, BEIJING)).toBe(
      '设备在 23:53断开连接，2 分钟内没有重新连上（最后一条消息在 23:52）',
    )
    expect(alertSummary(w1, english, BEIJING)).toBe(
      'Disconnected at 23:53, not back within 2 min (last message at 23:52)',
    )
    const w2 = will({ reason: 'will', disconnectedAt: LOCAL_2353, holdS: 90 })
    expect(alertSummary(w2, zh, BEIJING)).toBe('设备在 23:53断开连接，90 秒内没有重新连上')
    expect(alertSummary(w2, english, BEIJING)).toBe('Disconnected at 23:53, not back within 90 s')
    // heard last a day before the raise (a long report interval, a restart): the date is said too
    const old = alert('device_offline', {
      evidence: { ...OFFLINE, reportIntervalS: 3600, intervals: 3 },
      raisedAt: LOCAL_2353 + 26 * 60 * MIN,
    })
    expect(alertSummary(old, zh, BEIJING)).toBe(
      '设备自 2026-11-21 23:53:00起没有任何消息，已错过 3 次上报（每 60 分钟一次）',
    )
    expect(alertSummary(old, english, BEIJING)).toBe(
      'No message since 21 Nov 2026, 23:53:00: 3 reports missed (one every 60 min)',
    )
  })

  it('says the general sentence for these three when the evidence is missing or of a shape it does not know, and leaves out a figure it does not know', () => {
    const general = {
      air_quality: [
        '室内空气超出标准（二氧化碳、PM2.5、温度或湿度），详见中心页面',
        'Indoor air outside the limits',
      ],
      display_hardware: [
        '屏幕硬件故障（风扇、显示模组或供电电压），详见屏幕页面',
        'Display hardware fault (fan',
      ],
      device_offline: [
        '设备没有按时上报，或已断开连接',
        'The device has stopped reporting, or has disconnected',
      ],
    } as const
    const shapes: unknown[] = [
      undefined,
      {},
      { reason: 'asleep' },
      { reason: 'silent', lastMessageAt: 'yesterday' },
      { breaches: 'lots', since: 1 },
      { faults: [null, 3] },
      [1, 2],
    ]
    for (const [type, [zhText, enStart]] of Object.entries(general))
      for (const evidence of shapes) {
        const a = alert(type as AlertType, { severity: 'warning', evidence: evidence as Alert['evidence'] })
        expect(alertSummary(a, zh, BEIJING), `${type} ${JSON.stringify(evidence)}`).toBe(zhText)
        expect(alertSummary(a, english, BEIJING).startsWith(enStart), type).toBe(true)
      }
    expect(alertSummary(alert('air_quality', { severity: 'warning', evidence: { since: 1 } }), english)).toBe(
      "Indoor air outside the limits (CO₂, PM2.5, temperature or humidity): see the centre's page",
    )
    expect(alertSummary(alert('display_hardware', { evidence: { faults: [{ fault: 'hdmi' }] } }), zh)).toBe(
      '屏幕硬件故障（风扇、显示模组或供电电压），详见屏幕页面',
    )
    // a measure a later rule adds is left out; what is known is still said
    const later = alert('air_quality', {
      evidence: { ...AIR, breaches: [{ measure: 'tvocPpb', value: 900, max: 600 }, AIR.breaches[0]] },
    })
    expect(alertSummary(later, english, BEIJING)).toBe(
      'Air in activity outside the limits since 23:53: CO₂ 1,240 ppm, over 1,000 ppm',
    )
  })

  it('lists an air_quality, display_hardware or device_offline alert’s evidence on its page line by line, as a stray-wire one’s, in both languages', () => {
    const air = alert('air_quality', { evidence: { ...AIR } })
    expect(alertEvidence(air, zh, BEIJING)).toEqual([
      '二氧化碳 1,240 ppm，超过 1,000 ppm',
      '温度 29.5°C，超出夏季范围 22–28°C',
      '自 23:53起超出标准',
      '测量位置：activity',
    ])
    expect(alertEvidence(air, english, BEIJING)).toEqual([
      'CO₂ 1,240 ppm, over 1,000 ppm',
      'temperature 29.5°C, outside the summer band 22–28°C',
      'outside the limits since 23:53',
      'measured in activity',
    ])
    const screen = alert('display_hardware', { evidence: { ...HARDWARE } })
    expect(alertEvidence(screen, zh)).toEqual([
      '风扇故障',
      '故障显示模组 3 块',
      '供电电压 4.2 V，超出 4.5–5.5 V',
    ])
    expect(alertEvidence(screen, english)).toEqual([
      'fan failed',
      'failed LED modules: 3',
      'supply 4.2 V, outside 4.5–5.5 V',
    ])
    const silent = alert('device_offline', { evidence: { ...OFFLINE } })
    expect(alertEvidence(silent, zh, BEIJING)).toEqual([
      '最后一条消息在 23:53',
      '每 1 分钟上报一次',
      '已错过 3 次上报',
    ])
    expect(alertEvidence(silent, english, BEIJING)).toEqual([
      'last message at 23:53',
      'reports every 1 min',
      '3 reports missed',
    ])
    const will = alert('device_offline', {
      evidence: { reason: 'will', disconnectedAt: LOCAL_2353, holdS: 90, lastMessageAt: LOCAL_2353 - MIN },
      raisedAt: LOCAL_2353 + 2 * MIN,
    })
    expect(alertEvidence(will, zh, BEIJING)).toEqual([
      '在 23:53断开连接',
      '90 秒内没有重新连上',
      '最后一条消息在 23:52',
    ])
    expect(alertEvidence(will, english, BEIJING)).toEqual([
      'disconnected at 23:53',
      'not back within 90 s',
      'last message at 23:52',
    ])
    // the site's time, marked for a viewer on another clock
    expect(alertEvidence(silent, enAbroad, BEIJING)[0]).toBe('last message at 23:53 (UTC+8)')
    // the stray-wire lines are the same as before
    const stray = alert('stray_wire_charging', { evidence: { ...EVIDENCE } })
    expect(alertEvidence(stray, zh)).toEqual(strayWireEvidence({ ...EVIDENCE }, zh))
    for (const a of [air, screen, silent, will, stray]) {
      for (const line of alertEvidence(a, zh, BEIJING)) expectChinese(line)
      for (const line of alertEvidence(a, english, BEIJING)) expectEnglish(line)
    }
  })

  it('lists no evidence for a type without it, and only the figures it knows of evidence of another shape', () => {
    expect(alertEvidence(alert('port_fault', { lastValue: 'short_circuit', port: 3 }), zh)).toEqual([])
    for (const type of ['air_quality', 'display_hardware', 'device_offline'] as const)
      for (const evidence of [
        undefined,
        {},
        { reason: 'asleep' },
        { breaches: 'lots' },
        { faults: [null, 3] },
        [1, 2],
      ])
        expect(
          alertEvidence(alert(type, { evidence: evidence as Alert['evidence'] }), english, BEIJING),
        ).toEqual([])
    const later = alert('air_quality', {
      evidence: { breaches: [{ measure: 'tvocPpb', value: 900, max: 600 }, AIR.breaches[0]], since: 'soon' },
    })
    expect(alertEvidence(later, english, BEIJING)).toEqual(['CO₂ 1,240 ppm, over 1,000 ppm'])
    const partial = alert('device_offline', { evidence: { reason: 'silent', lastMessageAt: LOCAL_2353 } })
    expect(alertEvidence(partial, zh, BEIJING)).toEqual(['最后一条消息在 23:53'])
  })

  it('says what the rules store when they raise, in both languages', () => {
    const T = LOCAL_2353
    const said = (dev: RuleDevice, steps: Step[]) => {
      const raise = run(dev, steps).signals.find((x) => x.action === 'raise')
      if (raise?.action !== 'raise') throw new Error('the rule did not raise')
      const a = alert(raise.type, {
        severity: raise.severity,
        raisedAt: raise.at,
        ...(raise.evidence === undefined ? {} : { evidence: raise.evidence }),
      })
      return [alertSummary(a, zh, BEIJING), alertSummary(a, english, BEIJING)]
    }
    const air = perMinute(T, repeat({ co2Ppm: 1620 }, 16), (ts, v) => room(ts, v))
    expect(said(device('daycare-sensor'), air)).toEqual([
      'activity 的空气自 23:53起超出标准：二氧化碳 1,620 ppm，超过 1,000 ppm（达到 1,500 ppm 为严重）',
      'Air in activity outside the limits since 23:53: CO₂ 1,620 ppm, over 1,000 ppm (major from 1,500 ppm)',
    ])
    const screen = perMinute(T, repeat({ fanOk: false, supplyVoltageV: 5.62 }, 3), (ts, v) => display(ts, v))
    expect(said(device('outdoor-display'), screen)).toEqual([
      '屏幕硬件故障：风扇故障；供电电压 5.62 V，超出 4.5–5.5 V',
      'Display hardware fault: fan failed; supply 5.62 V, outside 4.5–5.5 V',
    ])
    const silent = [{ ...room(T, { co2Ppm: 600 }), arrivalMs: T }, tick(T + 4 * MIN)]
    expect(said(device('daycare-sensor'), silent)).toEqual([
      '设备自 23:53起没有任何消息，已错过 3 次上报（每 1 分钟一次）',
      'No message since 23:53: 3 reports missed (one every 1 min)',
    ])
  })

  it('tells when a stray-wire load began in the site’s time, as the server’s message does, and marks the zone for a viewer on another clock', () => {
    const a = alert('stray_wire_charging', { lastValue: 182, evidence: { ...EVIDENCE } })
    expect(alertSummary(a, zh, BEIJING)).toContain('约 23:53起')
    expect(alertSummary(a, zhAbroad, BEIJING)).toContain('约 23:53（UTC+8）起')
    expect(alertSummary(a, enAbroad, BEIJING)).toContain('since about 23:53 (UTC+8)')
  })
})

describe('times of a site', () => {
  it('are the site’s wall clock, without a mark where the viewer’s clock is the site’s', () => {
    expect(zh.f.dateTime(LOCAL_2353, BEIJING)).toBe('2026-11-21 23:53:00')
    expect(zh.f.time(LOCAL_2353, BEIJING)).toBe('23:53')
    expect(english.f.time(LOCAL_2353, BEIJING)).toBe('23:53')
  })

  it('carry the site’s zone where the viewer’s clock is another, never the viewer’s hour unmarked', () => {
    expect(zhAbroad.f.dateTime(LOCAL_2353, BEIJING)).toBe('2026-11-21 23:53:00（UTC+8）')
    expect(enAbroad.f.dateTime(LOCAL_2353, BEIJING)).toBe('21 Nov 2026, 23:53:00 (UTC+8)')
    expect(zhAbroad.f.time(LOCAL_2353, 330)).toBe('21:23（UTC+5:30）')
    expect(zhAbroad.f.time(LOCAL_2353, -180)).toBe('12:53（UTC-3）')
  })

  it('default to the service’s own default zone until a site’s settings say otherwise', () => {
    expect(DEFAULT_UTC_OFFSET_MIN).toBe(DEFAULT_ALERT_SETTINGS.utcOffsetMin)
  })
})

describe('a command in words', () => {
  const cases: Record<
    (typeof COMMAND_NAMES)[number],
    { args: Record<string, unknown>; zh: string; en: string }
  > = {
    stop_port: { args: { port: 2 }, zh: '停止 2 号端口充电', en: 'Stop charging on port 2' },
    enable_port: { args: { port: 4 }, zh: '启用 4 号端口', en: 'Enable port 4' },
    disable_port: { args: { port: 4 }, zh: '停用 4 号端口', en: 'Disable port 4' },
    set_power: { args: { on: false }, zh: '关闭屏幕', en: 'Switch the screen off' },
    set_brightness: { args: { pct: 60 }, zh: '亮度调到 60%', en: 'Set the brightness to 60%' },
    ping: { args: {}, zh: '连通测试', en: 'Ping' },
  }
  it.each(COMMAND_NAMES)('says %s with its arguments, not its name and JSON', (name) => {
    const c = cases[name]
    expect(commandText({ name, args: c.args }, zh)).toBe(c.zh)
    expect(commandText({ name, args: c.args }, english)).toBe(c.en)
  })

  it('leaves out the automatic stop’s English reason (its alert says it) and keeps a person’s', () => {
    const auto = { name: 'stop_port', args: { port: 5, reason: 'overheat ≥ 75 °C' }, by: 'auto' }
    expect(commandText(auto, zh)).toBe('停止 5 号端口充电')
    expect(commandText({ ...auto, by: 'token:work-orders' }, zh)).toBe(
      '停止 5 号端口充电（原因：overheat ≥ 75 °C）',
    )
  })

  it('says how each command ended', () => {
    const results: [Parameters<typeof commandResult>[0], string, string][] = [
      [{ result: 'ok' }, '设备已执行', 'done by the device'],
      [
        { result: 'ok', lateAck: true },
        '设备已执行（应答晚于等待时间）',
        'done by the device (its answer came late)',
      ],
      [{ result: 'pending' }, '等待设备应答…', 'waiting for the device…'],
      [{ result: 'error', error: 'the device refused the command' }, '设备拒绝执行', 'refused by the device'],
      [
        { result: 'error', error: 'port busy' },
        '设备拒绝执行：“port busy”',
        'refused by the device: “port busy”',
      ],
      [{ result: 'timeout', error: 'timeout' }, '设备没有按时应答', 'no answer from the device in time'],
      [
        { result: 'not_sent', error: 'the broker did not take the command' },
        '没有发出：服务当时连不上消息代理',
        'not sent: the service could not reach its broker',
      ],
      [
        { result: 'interrupted', error: 'the service stopped while waiting for the ack' },
        '等待应答时服务停止了：设备可能已执行，请核实',
        'the service stopped while waiting for the answer: the device may have acted, check it',
      ],
      [{ result: 'queued' }, '结果：queued', 'result: queued'],
    ]
    for (const [c, zhText, enText] of results) {
      expect(commandResult(c, zh)).toBe(zhText)
      expect(commandResult(c, english)).toBe(enText)
    }
  })

  it('says why a command could not be sent from the API’s code, not its English sentence', () => {
    const offline = {
      status: 409,
      code: 'DEVICE_OFFLINE',
      message: 'device pile-1 is not connected; nothing was sent',
    }
    expect(commandFailure(offline, zh)).toBe('设备没有连接，指令没有发出（不会在设备上线后补发）')
    expect(commandFailure(offline, english)).toBe(
      'the device is not connected: nothing was sent (commands are not kept for later)',
    )
    const timeout = {
      status: 504,
      code: 'DEVICE_TIMEOUT',
      message: 'pile-1 did not ack command cmd-1 within 10 s',
    }
    expectChinese(commandFailure(timeout, zh))
    expectChinese(commandFailure({ status: 503, code: 'NOT_READY', message: 'x' }, zh))
    // a refusal of another kind keeps the console's usual words (here: not allowed)
    expect(commandFailure({ status: 403, code: 'FORBIDDEN', message: 'x' }, zh)).toBe(
      '您的账号无权执行此操作',
    )
  })

  it('says the engine’s own stop on an alert’s history from the step’s detail, not its English note', () => {
    const step = (o: Partial<CommandStepDetail>): Record<string, unknown> => ({
      name: 'stop_port',
      args: { port: 3, reason: 'overheat ≥ 75 °C' },
      decidedAt: LOCAL_2353,
      ...o,
    })
    expect(commandStepText(step({ outcome: 'ok', attempt: 1 }), zh)).toBe('停止 3 号端口充电 · 设备已执行')
    expect(commandStepText(step({ outcome: 'timeout', attempt: 2, error: 'timeout' }), zh)).toBe(
      '停止 3 号端口充电（第 2 次） · 设备没有按时应答；端口仍过热或在充电时会再试',
    )
    expect(commandStepText(step({ outcome: 'refused', attempt: 1, error: 'relay fault' }), english)).toBe(
      'Stop charging on port 3 · refused by the device: “relay fault”; tried again while the port stays hot or charging',
    )
    for (const outcome of ['offline', 'not_sent', 'interrupted', 'skipped', 'still_charging'] as const) {
      expectChinese(commandStepText(step({ outcome }), zh)!)
      expectEnglish(commandStepText(step({ outcome }), english)!)
    }
    expect(commandStepText(undefined, zh)).toBeUndefined()
    expect(commandStepText(step({ outcome: 'exploded' as 'ok' }), zh)).toBe(
      '停止 3 号端口充电 · 结果：exploded',
    )
  })

  it('reads a command of a later version by its name and arguments', () => {
    expect(commandText({ name: 'reset_meter', args: { port: 3 } }, zh)).toBe('指令“reset_meter”：port 3')
    expect(commandText({ name: 'set_power', args: {} }, english)).toBe('Screen power')
  })
})

describe('a device event in words', () => {
  const sample: Record<(typeof EVENT_NAMES)[number], Record<string, unknown>> = {
    port_fault: { port: 3, code: 'short_circuit' },
    port_fault_cleared: { port: 3, code: 'short_circuit' },
    session_started: { port: 2 },
    session_ended: { port: 2, energyWh: 1240, reason: 'full' },
    smoke_detected: {},
    smoke_cleared: {},
    emergency_call: { room: 'activity-room' },
    fall_detected: { room: 'activity-room', confidence: 0.86 },
    door_open_after_hours: { door: 'east-gate' },
    door_opened: {},
    door_closed: {},
    module_failure: { modules: 2 },
    reboot: { reason: 'watchdog' },
  }
  it.each(EVENT_NAMES)('says %s in both languages', (event) => {
    const e = { event, ts: LOCAL_2353, ...sample[event] }
    expectChinese(eventText(e, zh))
    expectEnglish(eventText(e, english))
  })

  it('says a port fault as the crew reads it, not `port_fault · short_circuit`', () => {
    const e = { event: 'port_fault', port: 3, code: 'short_circuit' }
    expect(eventText(e, zh)).toBe('3 号端口故障：短路')
    expect(eventText(e, english)).toBe('Port 3 fault: short circuit')
    expect(eventText({ event: 'session_ended', port: 2, energyWh: 1240, reason: 'full' }, zh)).toBe(
      '2 号端口充电结束：已充满，1.24\u00a0kWh',
    )
    // as the wandering alert says it
    const door = { event: 'door_open_after_hours', door: 'main-entrance' }
    expect(eventText(door, zh)).toBe('非开放时间门“main-entrance”被打开')
    expect(eventText(door, english)).toBe('Door “main-entrance” opened after hours')
    expect(eventText({ event: 'door_open_after_hours' }, zh)).toBe('非开放时间有门被打开')
  })

  it('reads an event of a later protocol as one', () => {
    expect(eventText({ event: 'lid_opened', port: 1 }, zh)).toBe('事件：lid opened：1 号端口')
    expect(eventText({ event: 'lid_opened' }, english)).toBe('Event: lid opened')
  })
})

describe('a notification in words', () => {
  it.each<[string, Parameters<typeof notificationText>[0], string, string]>([
    [
      'a page delivered',
      { kind: 'sent', reason: 'raised', channelType: 'webhook', state: 'delivered' },
      '告警产生 · 已送达（Webhook）',
      'Raised · delivered (webhook)',
    ],
    [
      'a page being retried',
      { kind: 'sent', reason: 'repeat', channelType: 'email', state: 'pending', attempts: 2 },
      '仍未确认，再次提醒 · 发送中，已尝试 2 次（邮件）',
      'Still unacknowledged: repeated · being sent, 2 attempts so far (email)',
    ],
    [
      'a page given up',
      { kind: 'sent', reason: 'escalation', channelType: 'webhook', state: 'dead', attempts: 8 },
      '超时未确认，已升级 · 发送失败，已放弃（Webhook）',
      'Escalated: not acknowledged in time · could not be delivered, given up (webhook)',
    ],
    [
      'a page dropped because the alert was acknowledged meanwhile',
      {
        kind: 'sent',
        reason: 'raised',
        channelType: 'webhook',
        state: 'dropped',
        cause: 'acknowledged',
        acknowledgedBy: 'user:wang.crew',
      },
      '告警产生 · 未发送：wang.crew 已确认',
      'Raised · not sent: acknowledged by wang.crew',
    ],
    [
      'a page dropped because the alert was silenced meanwhile',
      {
        kind: 'sent',
        reason: 'raised',
        channelType: 'webhook',
        state: 'dropped',
        cause: 'silence',
        silenceId: 's1',
      },
      '告警产生 · 未发送：静默中',
      'Raised · not sent: silenced',
    ],
    [
      'a clear dropped because its channel was never paged about the alert',
      { kind: 'sent', reason: 'cleared', channelType: 'webhook', state: 'dropped', cause: 'never_paged' },
      '告警解除 · 未发送：此渠道未曾收到该告警的通知',
      'Cleared · not sent: this channel was never paged about the alert',
    ],
    [
      'a page held back by a maintenance window',
      { kind: 'suppressed', reason: 'raised', cause: 'maintenance' },
      '告警产生 · 未发送：维护时段内',
      'Raised · not sent: inside a maintenance window',
    ],
    [
      'a page held back by a silence',
      { kind: 'suppressed', reason: 'cleared', cause: 'silence' },
      '告警解除 · 未发送：静默中',
      'Cleared · not sent: silenced',
    ],
    [
      'codes of a later version',
      { kind: 'sent', reason: 'digest', channelType: 'sms', state: 'queued' },
      '通知（digest） · queued（sms）',
      'Notification (digest) · queued (sms)',
    ],
  ])('says %s', (_what, n, zhText, enText) => {
    expect(notificationText(n, zh)).toBe(zhText)
    expect(notificationText(n, english)).toBe(enText)
  })
})

describe('a chart’s value axis', () => {
  /** about what a 12 px sans-serif takes: 7 px a glyph */
  const measure = (s: string) => 7 * s.length
  it('is wide enough for its widest label, tick and gap: "1,000 W" is never cut to ",000 W"', () => {
    const width = valueAxisWidth(['0 W', '500 W', '1,000 W'], measure)
    expect(width).toBeGreaterThanOrEqual(measure('1,000 W') + 15)
    expect(valueAxisWidth(['12,000 kWh'], measure)).toBeGreaterThanOrEqual(measure('12,000 kWh') + 15)
  })
  it('keeps a floor for short labels, so charts line up', () => {
    expect(valueAxisWidth(['0', '1'], measure)).toBe(50)
    expect(valueAxisWidth([], measure)).toBe(50)
  })
})

describe('a learned load in words', () => {
  const fridge: LearnedLoad = {
    id: 'l1',
    kind: 'compressor',
    source: 'learned',
    levelW: 128.4,
    window: null,
    count: 30,
    firstTs: LOCAL_2353,
    lastTs: LOCAL_2353,
  }
  const dehumidifier: LearnedLoad = { ...fridge, id: 'l2', levelW: 231 }
  const crew: LearnedLoad = { ...fridge, id: 'c-al-1', source: 'crew', levelW: 360, alertId: 'al-1' }

  it("says a crew's compressor is judged by the circuit's own runs once they took it over", () => {
    const handed = { ...crew, handedTo: ['l1', 'l2'] }
    const all = [handed, fridge, dehumidifier]
    expect(learnedLoadText(handed, english, all)).toBe(
      "a compressor (dehumidifier, fridge) · about 360\u00a0W · any time · told by a crew (alert cleared) · now judged by this circuit's own compressor runs (128\u00a0W + 231\u00a0W)",
    )
    const zhText = learnedLoadText(handed, zh, all)
    expectChinese(zhText)
    expect(zhText).toContain('现按线路自己学到的压缩机运行判断（128\u00a0W + 231\u00a0W）')
  })

  it('says nothing of a hand-over while the crew’s answer is in force, or of runs no longer listed', () => {
    expect(learnedLoadText(crew, english, [crew, fridge])).not.toContain('now judged')
    // the learned run was undone since (the list is the page's, fetched with it)
    expect(learnedLoadText({ ...crew, handedTo: ['gone'] }, english, [crew])).not.toContain('now judged')
  })
})

describe('the dictionaries', () => {
  it('hold the same keys with words in each', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort())
    for (const [k, v] of Object.entries(zhCN as Dict)) expect(v.trim(), k).not.toBe('')
  })

  it('offer every load the API takes for "not charging", each worded in both languages', () => {
    expect([...SIGNATURE_KIND_LIST]).toEqual([...SIGNATURE_KINDS])
    for (const k of SIGNATURE_KIND_LIST) {
      expect(Object.keys(en)).toContain(`signature.${k}`)
    }
  })
})
