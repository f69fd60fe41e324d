/** How `colloquy hospital` prints entries, a flow's admissions and held inits as text. */
import { escapeLogText } from '../../codec/log-text.js'
import { textTable } from '../text-table.js'
import type { HeldInit, HospitalEntry, HospitalReport } from '../../engine/index.js'

const table = textTable

export function entriesText(entries: readonly HospitalEntry[], inits: readonly HeldInit[]): string {
  const flows =
    entries.length === 0
      ? 'No flows in the hospital.'
      : table(
          ['FLOW ID', 'NAME', 'STATE', 'ADMISSIONS', 'STAFF', 'ERROR', 'DIAGNOSIS'],
          entries.map((e) => [e.flowId, e.flowName, e.state, String(e.admissions), e.last.staff, e.last.error.code ?? e.last.error.name, e.last.diagnosis]),
        )
  if (inits.length === 0) return flows
  const held = table(
    ['HELD INIT', 'FROM', 'PROTOCOL', 'SINCE', 'REASON'],
    inits.map((i) => [i.id, i.sender, i.protocol, new Date(i.at).toISOString(), i.reason]),
  )
  return `${flows}\n\n${held}`
}

export function reportText(report: HospitalReport): string {
  const lines = [
    `flow ${report.flowId} (${report.flowName}): ${report.state}, ${report.admissions} admission(s)`,
    `waiting for: ${report.waitingFor}`,
    ...report.history.map(
      (a, i) =>
        `${i + 1}. ${new Date(a.at).toISOString()} ${a.error.name}${a.error.code ? ` (${a.error.code})` : ''}: ${a.error.message}\n   ${a.staff}: ${a.decision}, after ${a.retries} retr${a.retries === 1 ? 'y' : 'ies'} at this point: ${a.diagnosis}`,
    ),
  ]
  return lines.map((line) => line.split('\n').map(escapeLogText).join('\n')).join('\n')
}
