/**
 * A session init for a protocol this node has no responder for (its flows are not installed): kept for
 * observation instead of rejected. A node started with the responder resumes it; an operator can reject
 * it (`rejectSessionInit`), and the initiator then gets the rejection.
 */
import type { Diagnosis, Patient, Staff } from '../staff.js'

export function unknownResponder(): Staff {
  return {
    name: 'unknown-responder',
    diagnose(patient: Patient): Diagnosis | undefined {
      if (patient.kind !== 'init') return undefined
      return {
        decision: 'observe',
        diagnosis: `no responder for ${patient.name} is registered here; the init is kept until a node with the responder starts or an operator rejects it`,
      }
    },
  }
}
