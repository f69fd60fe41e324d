/**
 * Permissions as Corda names them: `StartFlow.<flowName>` starts that flow, `InvokeRpc.<operation>` calls
 * that operation (rpc-protocol.ts lists them), `ALL` allows everything. Names are matched exactly.
 */
import { z } from 'zod'
import type { Operation } from './rpc-protocol.js'
import { operations } from './rpc-protocol.js'

export const PermissionSchema = z.union([
  z.literal('ALL'),
  z.string().regex(/^StartFlow\.[A-Za-z][\w.:-]*$/, 'StartFlow.<flowName>'),
  z.string().refine((p) => p.startsWith('InvokeRpc.') && (operations as string[]).includes(p.slice('InvokeRpc.'.length)), {
    message: `InvokeRpc.<operation>, the operation one of ${operations.join(', ')}`,
  }),
])

export class Permissions {
  private readonly granted: ReadonlySet<string>

  constructor(permissions: readonly string[]) {
    this.granted = new Set(permissions)
  }

  /** The permission `op` needs, given the flow name for startFlow; undefined when it is granted. */
  missing(op: Operation, flowName?: string): string | undefined {
    if (this.granted.has('ALL')) return undefined
    const needed = op === 'startFlow' ? `StartFlow.${flowName}` : `InvokeRpc.${op}`
    return this.granted.has(needed) ? undefined : needed
  }
}
