/**
 * `colloquy check [--against <ref>]`: generated code is current (hashes only), then released versions
 * against the tree (hashes first). Exit 5 for an incompatible change wins over 1 for stale files.
 */
import path from 'node:path'
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { checkGenerated } from '../check-generated.js'
import { type CompatibilityReport, checkAgainstRevision, checkLockfile } from '../lock/compatibility-check.js'
import { compatibilityJson, compatibilityText } from '../lock/report-compatibility.js'
import { manifestName, readManifest } from '../manifest.js'
import { type CodegenCommandRun, err, out } from './command.js'

export const run: CodegenCommandRun = async (layout, { format, against }) => {
  const started = performance.now()
  const stale = checkGenerated(layout)
  const currentManifest = stale.length === 0 ? readManifest(path.join(layout.root, layout.outDir, manifestName)) : undefined
  const staleLines = (): void => {
    for (const s of stale) err(`${s.file}:1:1: error: ${s.file} ${s.reason}.\n`)
  }
  let compat: CompatibilityReport
  try {
    compat = against === undefined ? await checkLockfile(layout, currentManifest) : await checkAgainstRevision(layout, against)
  } catch (error) {
    // A protocol that fails to load is reported by the caller; the stale files found first still count.
    if (format === 'text') staleLines()
    throw error
  }
  const ms = Math.round(performance.now() - started)
  const code = compat.findings.length > 0 ? exitCodes.incompatible : stale.length > 0 ? exitCodes.stale : exitCodes.ok
  if (format === 'json') {
    out(`${JSON.stringify({ ok: code === exitCodes.ok, stale, ...compatibilityJson(compat), ms }, null, 2)}\n`)
    return code
  }
  const text = compatibilityText(compat)
  for (const line of text.findings) err(`${line}\n`)
  staleLines()
  for (const note of text.notes) out(`${note}\n`)
  if (stale.length > 0)
    err(`colloquy check: ${stale.length} stale ${stale.length === 1 ? 'file' : 'files'}; run \`npx colloquy generate\` and commit ${layout.outDir}/.\n`)
  if (compat.findings.length > 0) err(`colloquy check: ${text.summary}.\n`)
  else if (stale.length === 0) out(`colloquy check: ${layout.outDir}/ is up to date; ${text.summary} (${ms} ms)\n`)
  else out(`colloquy check: ${text.summary}\n`)
  return code
}
