/** The hospital's RPC operations (`hospital.*`): the node's `node.hospital` for an operator's client or `colloquy hospital`. */
import type { HospitalFilter } from '../engine/index.js'
import type { Handlers } from './operation-context.js'

type HospitalOperation = Extract<keyof Handlers, `hospital.${string}`>

/** The filter without the keys a client left out (zod's output has them as undefined). */
function filterOf(args: HospitalFilter): HospitalFilter {
  return Object.fromEntries(Object.entries(args).filter(([key, value]) => value !== undefined && key !== 'dryRun')) as HospitalFilter
}

export const hospitalHandlers: Pick<Handlers, HospitalOperation> = {
  async 'hospital.list'({ node, reply }, args) {
    reply.done(await node.hospital.list(filterOf(args)))
  },
  async 'hospital.show'({ node, reply }, args) {
    reply.done((await node.hospital.show(args.flowId)) ?? null)
  },
  async 'hospital.retry'({ node, reply }, args) {
    reply.done(await node.hospital.retry(args.flowId))
  },
  async 'hospital.retryAll'({ node, reply }, args) {
    reply.done(await node.hospital.retryAll(filterOf(args), { dryRun: args.dryRun === true }))
  },
  async 'hospital.kill'({ node, reply }, args) {
    reply.done(await node.hospital.kill(args.flowId))
  },
  async 'hospital.heldInits'({ node, reply }) {
    reply.done(await node.hospital.heldInits())
  },
  async 'hospital.rejectInit'({ node, reply }, args) {
    reply.done(await node.hospital.rejectSessionInit(args.id))
  },
  async 'hospital.events'({ node, reply }) {
    const subscription = node.hospital.events.subscribe({ next: (event) => reply.next(event), complete: () => reply.done(undefined) })
    reply.onEnd(() => subscription.unsubscribe())
  },
}
