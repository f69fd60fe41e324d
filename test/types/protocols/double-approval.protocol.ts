import { z } from 'zod'
import { protocol } from '../../../runtime/protocol/index.js'

/** One party asks, the other answers: inlined twice by DoubleApproval. */
export const ApprovalV1 = protocol('Approval', { version: 1, initiator: 'Asker', responder: 'Approver' })
  .send('request', z.object({ what: z.string() }))
  .receive('verdict', z.object({ approved: z.boolean() }))
  .end()

/** One sub-protocol inlined twice on one session, with the same roles: the maker asks the checker twice. */
export const DoubleApprovalV1 = protocol('DoubleApproval', { version: 1, initiator: 'Maker', responder: 'Checker' })
  .send('draft', z.object({ text: z.string() }))
  .inline(ApprovalV1, { label: 'firstApproval', roles: { Asker: 'Maker', Approver: 'Checker' } })
  .inline(ApprovalV1, { label: 'secondApproval', roles: { Asker: 'Maker', Approver: 'Checker' } })
  .end()
