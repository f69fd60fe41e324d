/** A node app running the 'changed' build of Demo (see test/engine/support/upgrade-builds.ts). */
import { nodeApp } from '../../../runtime/index.js'
import { builds } from '../../engine/support/upgrade-builds.js'

export default nodeApp(builds.changed)
