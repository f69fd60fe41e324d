/** The node app of the cross-process benchmark's responding node: raw Echo and PingPong responders. */
import { nodeApp } from '../../runtime/process/node-app.js'
import { echoResponder, pongResponder } from '../support/raw-protocols.js'

export default nodeApp({ responders: [echoResponder, pongResponder] })
