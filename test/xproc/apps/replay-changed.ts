/** The next build of replay-original.ts: 'reserve' now charges first, so a 'reserve' in flight cannot be replayed. */
import { flow, nodeApp } from '../../../runtime/index.js'

const reserve = flow('reserve', async (ctx) => {
  await ctx.step('charge', () => 'c-1')
  await ctx.sleep(3000)
  return 'charged'
})

const fine = flow('fine', async (ctx) => {
  await ctx.sleep(3000)
  return ctx.step('work', () => 'fine')
})

export default nodeApp({ flows: [reserve, fine] })
