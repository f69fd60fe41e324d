/** A node app with a flow whose result cannot be stored (a getter that throws when it is encoded) and one that works. */
import { flow, nodeApp } from '../../../runtime/index.js'

const unstorable = flow('unstorable', async (ctx) => {
  await ctx.step('work', () => 1)
  return {
    get total(): number {
      throw new Error('the total is unreadable')
    },
  }
})

const fine = flow('fine', async (ctx) => ctx.step('work', () => 'fine'))

export default nodeApp({ flows: [unstorable, fine] })
