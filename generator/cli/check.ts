/**
 * `colloquy check [--against <ref>] [--format text|json|github|sarif] [--approve <fingerprint> --reason <text>]`:
 * generated code is current (hashes only), then released versions against the tree (hashes first), less
 * the findings approved by fingerprint. Exit 5 for an incompatible change wins over 1 for stale files.
 */
import path from 'node:path'
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { checkGenerated } from '../check-generated.js'
import { checkApprovals } from '../lock/check-approvals.js'
import { checkAgainstRevision, checkLockfile } from '../lock/compatibility-check.js'
import { type ReportWithApprovals, compatibilityJson, compatibilityText } from '../lock/report-compatibility.js'
import { manifestName, readManifest } from '../manifest.js'
import { type CodegenCommandRun, err, out } from './command.js'
import { packageVersion } from './package-version.js'

export const run: CodegenCommandRun = async (layout, { format, against, approve, reason }) => {
  const started = performance.now()
  const stale = checkGenerated(layout)
  const currentManifest = stale.length === 0 ? readManifest(path.join(layout.root, layout.outDir, manifestName)) : undefined
  const staleLines = (): void => {
    for (const s of stale) err(`${s.file}:1:1: error: ${s.file} ${s.reason}.\n`)
  }
  let compat: ReportWithApprovals
  let recorded: readonly string[]
  try {
    const judged = against === undefined ? await checkLockfile(layout, currentManifest) : await checkAgainstRevision(layout, against)
    ;({ report: compat, recorded } = await checkApprovals(judged, layout, { fingerprints: approve, reason }))
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
  if (format === 'github' || format === 'sarif') {
    const summary = compat.findings.length > 0 || stale.length === 0 ? text.summary : `${stale.length} stale generated ${stale.length === 1 ? 'file' : 'files'}`
    const input = { report: compat, stale, outDir: layout.outDir, summary }
    if (format === 'github') for (const line of (await import('../lock/format-github.js')).githubAnnotations(input)) out(`${line}\n`)
    else out(`${JSON.stringify((await import('../lock/format-sarif.js')).sarifLog({ ...input, exitCode: code, toolVersion: packageVersion() }), null, 2)}\n`)
    return code
  }
  for (const line of recorded) out(`${line}\n`)
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
