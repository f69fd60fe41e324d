/**
 * Flow code asked to be kept: a HospitalizeFlowError thrown directly, wrapped as a cause or subclassed,
 * or any error out of a region marked "observe on error" (`ctx.observeOnError(fn)`, a step's
 * `observeOnError: true`). Kept for observation until an operator retries or kills the flow, or the
 * node restarts.
 */
import { codeOf, isMarkedObserved } from '../error-marks.js'
import { HospitalizeFlowError } from '../hospital-errors.js'
import type { Diagnosis, Patient, Staff } from '../staff.js'

export function hospitalizeRequest(): Staff {
  return {
    name: 'hospitalize-request',
    diagnose(patient: Patient): Diagnosis | undefined {
      if (patient.kind !== 'flow') return undefined
      const request = patient.causes.find((e) => e instanceof HospitalizeFlowError || codeOf(e) === 'HOSPITALIZE_FLOW')
      if (request !== undefined) return { decision: 'observe', diagnosis: `the flow asked to be kept for observation: ${(request as Error).message}` }
      if (patient.causes.some(isMarkedObserved))
        return { decision: 'observe', diagnosis: 'the error came out of code marked "observe on error"; kept for observation' }
      return undefined
    },
  }
}
