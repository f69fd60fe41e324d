/** A node app whose 'reserve' flow reserves, then sleeps; with 'fine', which sleeps a little longer and returns. */
import { flow, nodeApp } from '../../../runtime/index.js'

const reserve = flow('reserve', async (ctx) => {
  await ctx.step('reserve', () => 'r-1')
  await ctx.sleep(3000)
  return 'reserved'
})

const fine = flow('fine', async (ctx) => {
  await ctx.sleep(3000)
  return ctx.step('work', () => 'fine')
})

export default nodeApp({ flows: [reserve, fine] })
