/** The benchmark result file (`bench/results/<suite>.json`) and the table printed with it. */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface Metric {
  readonly value: number
  readonly unit: string
  /** Upper bound the value must not exceed (or, for a `bool`, the required value). */
  readonly target?: number
  readonly ok?: boolean
  readonly note?: string
}

export interface SuiteResult {
  readonly suite: string
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number; readonly node: string }
  readonly metrics: Record<string, Metric>
}

export function machine(): SuiteResult['machine'] {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  }
}

/** A measured figure; with a target, `ok` says whether it is met (at most the target, or equal for bools). */
export function metric(value: number, unit: string, target?: number, note?: string): Metric {
  const ok = target === undefined ? undefined : unit === 'bool' ? value === target : value <= target
  return { value, unit, ...(target === undefined ? {} : { target, ok }), ...(note === undefined ? {} : { note }) }
}

export function printTable(result: SuiteResult): void {
  const rows = Object.entries(result.metrics).map(([name, m]) => [
    name,
    Number.isInteger(m.value) ? String(m.value) : m.value.toFixed(2),
    m.unit,
    m.target === undefined ? '' : `${m.unit === 'bool' ? '=' : '<='} ${m.target}`,
    m.ok === undefined ? '' : m.ok ? 'ok' : 'MISS',
  ])
  const header = ['metric', 'value', 'unit', 'target', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const m = result.machine
  console.log(`\n${result.suite}: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}`)
  console.log(line(header))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const row of rows) console.log(line(row))
}

export function writeResult(file: string, result: SuiteResult): void {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
}
