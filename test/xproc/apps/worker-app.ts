/**
 * The node app of the worker crash tests: both Echo roles (ping-pong and the echoer) and both roles of the
 * two-party trade (the buyer reviews an offer for 100 ms with a durable timer, so trades are in flight
 * when a worker dies).
 */
import { Echo } from '../../../generated/echo.js'
import { TwoPartyTrade } from '../../../generated/two-party-trade.js'
import { pingPongFlow } from '../../../examples/echo-node.js'
import { echoer } from '../../../examples/echo-flows.js'
import { sellAssetFlow } from '../../../examples/trade-node.js'
import { buyAsset } from '../../../examples/two-party-trade-flows.js'
import { nodeApp } from '../../../runtime/index.js'

export default nodeApp({
  flows: [pingPongFlow, sellAssetFlow],
  responders: [echoer(), buyAsset({ maxPrice: 1000, wants: 'bond', reviewMs: 100 })],
  protocols: [Echo, TwoPartyTrade],
})
