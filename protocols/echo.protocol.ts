import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'

/**
 * Ping-pong in rounds: each round the initiator either sends a ping the responder echoes back, or says it
 * is done. Long-running and chatty on purpose: crash tests and benchmarks drive many suspension points.
 */
export const EchoV1 = protocol('Echo', { version: 1, initiator: 'Caller', responder: 'Echoer' })
  .loop('round', (p) =>
    p.choose('next', {
      ping: (p) =>
        p
          .send('ping', z.object({ round: z.number().int().nonnegative(), text: z.string() }))
          .receive('echo', z.object({ round: z.number().int(), text: z.string() }))
          .continue('round'),
      done: (p) => p.end(),
    }),
  )
  .end()
