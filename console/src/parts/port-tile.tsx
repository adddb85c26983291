// One charging port: state, power, temperature, session energy; a faulted or hot port stands out.
import { fmt } from '../format.ts'
import { t } from '../i18n/index.ts'
import type { Alert, PilePort } from '../types.ts'

/** °C: port_overheat is raised at 65 (domain brief); from 55 a port is shown as warm */
const HOT_C = 65
const WARM_C = 55

export function PortTile(props: { port: PilePort; alert?: Alert }) {
  const tr = t.value
  const f = fmt.value
  const p = props.port
  const temp = p.tempC
  const heat = temp === undefined ? '' : temp >= HOT_C ? 'hot' : temp >= WARM_C ? 'warm' : ''
  const alarm = p.state === 'fault' || props.alert ? 'alarm' : ''
  return (
    <li
      class={`port-tile port-${p.state ?? 'unknown'} ${heat} ${alarm}`}
      data-port={p.port}
      data-state={p.state}
    >
      <div class="port-head">
        <span class="port-no">{tr('alerts.port', { n: p.port })}</span>
        <span class="port-state" data-label="portState">
          {p.state ? tr(`portState.${p.state}`) : '—'}
        </span>
      </div>
      <div class="port-power" data-field="powerW">
        {f.watts(p.powerW)}
      </div>
      <div class="port-meta">
        {temp !== undefined && <span data-field="tempC">{f.celsius(temp)}</span>}
        {p.energyWh !== undefined && <span data-field="energyWh">{f.kwh(p.energyWh / 1000)}</span>}
      </div>
      {props.alert && (
        <div class="port-alert">
          <span class={`badge sev-${props.alert.severity}`}>{tr(`alertType.${props.alert.type}`)}</span>
        </div>
      )}
    </li>
  )
}
