/**
 * A protocol version as it would be locked: canonical IR, hash and where each step was written. The
 * builder's step nodes and the IR are walked together (the IR is built from the nodes in the same order),
 * so every IR step gets the `file:line:col` of the call that declared it.
 */
import path from 'node:path'
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import type { AnyProtocol } from '../../runtime/protocol/dsl/protocol-definition.js'
import type { StepNode } from '../../runtime/protocol/dsl/step-node.js'
import { type IRStep, protocolHash, protocolIR } from '../../runtime/protocol/ir/protocol-ir.js'
import type { StepPath, VersionSnapshot } from './types.js'
import { InternalError } from '../../runtime/protocol/errors/internal-error.js'

/** Stands in when a call site has no user frame (a protocol built by code outside any file). */
const unknownLocation: SourceLocation = { file: '(unknown)', line: 0, column: 0 }

export function snapshotOf(definition: AnyProtocol, root: string): VersionSnapshot {
  const ir = protocolIR(definition)
  const locations: Record<string, SourceLocation> = {}
  const relative = (at: SourceLocation | null): SourceLocation | null => (at ? { ...at, file: projectPath(root, at.file) } : null)

  const walk = (nodes: readonly StepNode[], steps: readonly IRStep[], prefix: string): void => {
    if (nodes.length !== steps.length)
      throw new InternalError(`${definition.name} v${definition.version}: the IR does not match its step nodes at ${prefix || 'the top level'}`)
    nodes.forEach((node, index) => {
      const stepPath: StepPath = prefix ? `${prefix}.${index}` : String(index)
      const at = relative(node.at.location)
      if (at) locations[stepPath] = at
      const step = steps[index]!
      if ((node.op === 'choose' || node.op === 'offer') && step.op === 'choice') {
        for (const [branch, body] of node.branches) walk(body, step.branches[branch] ?? [], `${stepPath}.${branch}`)
      } else if (node.op === 'loop' && step.op === 'loop') {
        walk(node.body, step.body, `${stepPath}.body`)
      }
    })
  }
  walk(definition.steps, ir.steps, '')
  locations['protocol'] = relative(definition.at.location) ?? unknownLocation
  return { ir, hash: protocolHash(definition), locations }
}

/** `root`-relative with forward slashes, so a lockfile reads the same on every machine. */
function projectPath(root: string, file: string): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/')
  return path.relative(path.resolve(root), file).split(path.sep).join('/')
}
