/** The node app of Echo: `ping-pong` pings a peer for a number of rounds; every node also echoes. */
import { Echo } from '../generated/echo.js'
import { flow, nodeApp } from '../runtime/index.js'
import { echoer, pingPong } from './echo-flows.js'

export interface PingPongArgs {
  readonly peer: string
  readonly rounds: number
  readonly tag?: string
}

export const pingPongFlow = flow('ping-pong', (ctx, args: PingPongArgs) => pingPong(ctx, args.peer, args.rounds, args.tag))

export default nodeApp({ flows: [pingPongFlow], responders: [echoer()], protocols: [Echo] })
