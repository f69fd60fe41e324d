/** How `colloquy flow` prints: readable text, or JSON (tagged JSON, so bigints and dates survive). */
import { encodeTaggedJson } from '../../codec/tagged-json.js'
import { escapeLogText } from '../../codec/log-text.js'
import { textTable } from '../text-table.js'
import { type FlowStatusReport, type FlowSummary, describeWaitingFor } from '../../engine/index.js'

export type Format = 'text' | 'json'

export interface Output {
  readonly format: Format
  /** One value: a JSON document, or the text. */
  print(text: string, json: unknown): void
}

export function output(format: Format, write: (text: string) => void = (text) => void process.stdout.write(text)): Output {
  return { format, print: (text, json) => write(format === 'json' ? `${encodeTaggedJson(json)}\n` : `${text}\n`) }
}

/** A value from a flow, as one escaped line. */
export function valueText(value: unknown): string {
  return value === undefined ? '(no value)' : escapeLogText(encodeTaggedJson(value))
}

export function flowTable(flows: readonly FlowSummary[]): string {
  if (flows.length === 0) return 'No flows.'
  const rows = flows.map((f) => [f.flowId, f.flowName, f.state, f.clientId ?? '', new Date(f.startedAt).toISOString(), (f.progress ?? []).join(' > ')])
  const header = ['FLOW ID', 'NAME', 'STATE', 'CLIENT ID', 'STARTED', 'PROGRESS']
  return textTable(header, rows)
}

export function statusText(status: FlowStatusReport): string {
  const lines = [
    `flow ${status.id} (${status.name}, ${status.kind}): ${status.status}`,
    `started ${new Date(status.startedAt).toISOString()}${status.clientId === undefined ? '' : `, client id ${status.clientId}`}`,
  ]
  if (status.progress?.length) lines.push(`progress: ${status.progress.join(' > ')}`)
  if (status.waitingFor) lines.push(`waiting for: ${describeWaitingFor(status.waitingFor)}`)
  return lines.map(escapeLogText).join('\n')
}
