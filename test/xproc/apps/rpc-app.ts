/** The node app of the RPC process tests: the flows of test/rpc (echo, refuse, wait-for-go). */
import { nodeApp } from '../../../runtime/process/node-app.js'
import { rpcFlows } from '../../rpc/support/rpc-flows.js'

export default nodeApp({ flows: rpcFlows })
