import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'

/**
 * The flow interface drawn in the upgrading document: the initiator sends an Int, receives a String,
 * sends a String and receives a CustomType. Version 2 changed the first message from Int to String, so the
 * responder "in its first version expected to receive an Int, but in subsequent versions ... a String".
 * Both versions stay declared while peers may still run version 1.
 */
export const CustomType = z.object({ name: z.string(), count: z.number().int() })

export const DemoV1 = protocol('Demo', { version: 1, initiator: 'Alice', responder: 'Bob' })
  .send('amount', z.number().int())
  .receive('greeting', z.string())
  .send('reply', z.string())
  .receive('result', CustomType)
  .end()

export const DemoV2 = protocol('Demo', { version: 2, initiator: 'Alice', responder: 'Bob' })
  .send('amount', z.string())
  .receive('greeting', z.string())
  .send('reply', z.string())
  .receive('result', CustomType)
  .end()
