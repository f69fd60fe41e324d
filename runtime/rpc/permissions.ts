/**
 * Permissions as Corda names them: `StartFlow.<flowName>` starts that flow, `InvokeRpc.<operation>` calls
 * that operation (rpc-protocol.ts lists them), `InvokeRpc.hospital.*` every hospital operation
 * (`hospital.list`, `hospital.retry`, ...), `ALL` allows everything. Names are matched exactly.
 */
import { z } from 'zod'
import type { Operation } from './rpc-protocol.js'
import { operations } from './rpc-protocol.js'

/** What is wrong with a permission as written, or undefined when it is one. */
export function permissionProblem(permission: string): string | undefined {
  if (permission === 'ALL') return undefined
  if (permission.startsWith('StartFlow.')) {
    return /^StartFlow\.[A-Za-z][\w.:-]*$/.test(permission) ? undefined : 'StartFlow.<flowName> needs a flow name (letters, digits, ., :, -, _)'
  }
  if (permission === HOSPITAL_ALL) return undefined
  if (permission.startsWith('InvokeRpc.')) {
    return (operations as string[]).includes(permission.slice('InvokeRpc.'.length)) ? undefined : `InvokeRpc.<operation> needs one of ${operations.join(', ')}`
  }
  return 'a permission is ALL, StartFlow.<flowName> or InvokeRpc.<operation>'
}

/** Grants every hospital operation. */
const HOSPITAL_ALL = 'InvokeRpc.hospital.*'

export const PermissionSchema = z.string().superRefine((permission, ctx) => {
  const problem = permissionProblem(permission)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
})

export class Permissions {
  private readonly granted: ReadonlySet<string>

  constructor(permissions: readonly string[]) {
    this.granted = new Set(permissions)
  }

  /** The permission `op` needs, given the flow name for startFlow; undefined when it is granted. */
  missing(op: Operation, flowName?: string): string | undefined {
    if (this.granted.has('ALL')) return undefined
    const needed = op === 'startFlow' ? `StartFlow.${flowName}` : `InvokeRpc.${op}`
    if (op.startsWith('hospital.') && this.granted.has(HOSPITAL_ALL)) return undefined
    return this.granted.has(needed) ? undefined : needed
  }
}
