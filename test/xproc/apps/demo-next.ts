/** A node app running the 'next' build of Demo: v2 only, v1 retired (see test/engine/support/upgrade-builds.ts). */
import { nodeApp } from '../../../runtime/index.js'
import { builds } from '../../engine/support/upgrade-builds.js'

export default nodeApp(builds.next)
