/** The staff every node starts with; `hospital.staff` in the node options adds members or replaces these by name. */
import type { Staff } from '../staff.js'
import { hospitalizeRequest } from './hospitalize-request.js'
import { recurringError } from './recurring-error.js'
import { replayFailure } from './replay-failure.js'
import { transientError } from './transient-error.js'
import { unknownResponder } from './unknown-responder.js'

export function defaultStaff(): Staff[] {
  return [transientError(), recurringError(), hospitalizeRequest(), unknownResponder(), replayFailure()]
}
