/** A node app whose 'ping-and-wait' flow pings its peer once over Echo and then waits for 'release'; it answers Echo too. */
import { z } from 'zod'
import { echoer } from '../../../examples/echo-flows.js'
import { Echo } from '../../../generated/echo.js'
import { flow, nodeApp } from '../../../runtime/index.js'

const pingAndWait = flow('ping-and-wait', z.object({ peer: z.string() }), (ctx, args) =>
  Echo.initiate(ctx, args.peer, {
    v1: async (s) => {
      const { next } = await (await (await s.choose('ping')).send({ round: 0, text: 'kept' })).receive()
      await ctx.waitFor('release', z.null())
      return (await next.choose('done')).end('released')
    },
  }),
)

export default nodeApp({ flows: [pingAndWait], responders: [echoer()], protocols: [Echo] })
