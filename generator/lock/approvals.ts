/**
 * `<protocols>/colloquy.approvals.json`: incompatible changes a team accepted on purpose, by finding
 * fingerprint (finding-fingerprint.ts), each with the reason given and what the finding said when it was
 * approved. `colloquy check` still compares every released version, and reports an approved finding
 * as approved instead of failing. Written with sorted keys so approvals diff and merge cleanly.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { canonicalJson } from '../../runtime/protocol/ir/canonical-json.js'
import { GeneratorError } from '../generator-error.js'

export const approvalsName = 'colloquy.approvals.json'
const approvalsVersion = 1

const approvalSchema = z.strictObject({
  protocol: z.string(),
  version: z.number().int(),
  rule: z.string(),
  reason: z.string().min(1),
  /** The finding's message when it was approved, for reviewers; matching uses the fingerprint only. */
  finding: z.string(),
})

const approvalsSchema = z.strictObject({
  approvalsVersion: z.literal(approvalsVersion),
  approvals: z.record(z.string().regex(/^[0-9a-f]{16}$/, 'a fingerprint is 16 lowercase hex digits'), approvalSchema),
})

export type Approval = z.infer<typeof approvalSchema>
export type Approvals = z.infer<typeof approvalsSchema>

export function approvalsPath(protocolsDir: string): string {
  return `${protocolsDir}/${approvalsName}`
}

/** The approvals, or none when the file does not exist; a file that is not an approvals file is an error. */
export function readApprovals(root: string, protocolsDir: string): Approvals {
  const file = approvalsPath(protocolsDir)
  let text: string
  try {
    text = readFileSync(path.join(root, file), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { approvalsVersion, approvals: {} }
    throw error
  }
  const invalid = (why: string): GeneratorError =>
    new GeneratorError(`${file} ${why}; fix it or restore it from version control (colloquy check --approve writes it)`, { file })
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw invalid(`is not valid JSON (${(error as Error).message})`)
  }
  const result = approvalsSchema.safeParse(parsed)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw invalid(`is not a colloquy approvals file: ${issue.path.length > 0 ? `at ${issue.path.join('.')}, ` : ''}${issue.message}`)
  }
  return result.data
}

export function writeApprovals(root: string, protocolsDir: string, approvals: Approvals): void {
  writeFileSync(path.join(root, approvalsPath(protocolsDir)), `${canonicalJson(approvals, 2)}\n`)
}
