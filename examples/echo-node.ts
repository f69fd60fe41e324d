/** The node app of Echo: `ping-pong` pings a peer for a number of rounds; every node also echoes. */
import { z } from 'zod'
import { Echo } from '../generated/echo.js'
import { flow, nodeApp } from '../runtime/index.js'
import { echoer, pingPong } from './echo-flows.js'

/** Checked when the flow starts (a node config's `start` entry, `node.startFlow`): a typo is refused by name. */
export const PingPongArgs = z.object({ peer: z.string().min(1), rounds: z.number().int().nonnegative(), tag: z.string().optional() })
export type PingPongArgs = z.input<typeof PingPongArgs>

export const pingPongFlow = flow('ping-pong', PingPongArgs, (ctx, args) => pingPong(ctx, args.peer, args.rounds, args.tag))

export default nodeApp({ flows: [pingPongFlow], responders: [echoer()], protocols: [Echo] })
