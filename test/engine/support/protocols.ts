/** Small protocols the engine tests run. */
import { z } from 'zod'
import { protocol } from '../../../runtime/protocol/index.js'

/** Two rounds: enough suspension points on both sides to crash at each. */
export const Rounds = protocol('Rounds', { version: 1, initiator: 'Asker', responder: 'Answerer' })
  .errors({ Refused: z.object({ why: z.string() }) })
  .send('q1', z.number().int())
  .receive('a1', z.number().int())
  .send('q2', z.number().int())
  .receive('a2', z.number().int())
  .end()

export const PingV1 = protocol('Ping', { version: 1, initiator: 'Pinger', responder: 'Ponger' }).send('ping', z.string()).receive('pong', z.string()).end()

export const PingV2 = protocol('Ping', { version: 2, initiator: 'Pinger', responder: 'Ponger' })
  .send('ping', z.string())
  .receive('pong', z.string())
  .send('thanks', z.string())
  .end()

export const PingV3 = protocol('Ping', { version: 3, initiator: 'Pinger', responder: 'Ponger' }).send('ping', z.number()).receive('pong', z.number()).end()

/** Same name and version number as PingV1, different definition. */
export const PingV1Changed = protocol('Ping', { version: 1, initiator: 'Pinger', responder: 'Ponger' })
  .send('ping', z.string())
  .receive('pong', z.number())
  .end()

/** The responder decides. */
export const Quote = protocol('Quote', { version: 1, initiator: 'Client', responder: 'Dealer' })
  .errors({ NoQuote: z.object({ instrument: z.string() }) })
  .send('request', z.object({ instrument: z.string(), size: z.number() }))
  .offer('decision', {
    quote: (p) => p.receive('price', z.number()).end(),
    decline: (p) => p.end(),
  })
  .end()
