/** Type-level helpers: a protocol seen from one named role. */
import type { ProtocolDefinition, SessionOf } from './protocol-definition.js'
import type { Dual } from './session-type.js'

/** The session type `Role` must follow: the protocol itself for the initiator, its dual for the responder. */
// biome-ignore format: on one line the formatter parenthesises the inner conditional, and the declarations (and API report) would print the parentheses
export type RoleView<P, Role extends RolesOf<P>> =
  P extends ProtocolDefinition<string, infer I, infer R>
    ? Role extends I
      ? SessionOf<P>
      : Role extends R
        ? Dual<SessionOf<P>>
        : never
    : never

export type RolesOf<P> = P extends ProtocolDefinition<string, infer I, infer R> ? I | R : never
