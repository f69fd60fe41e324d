/**
 * The Hospital screen's API, on the logged-in user's RPC client (permissions InvokeRpc.hospital.<operation>):
 * the flows the hospital keeps or retries with their last admission, one flow's admissions (hospital.show,
 * `report` null when it has none), the session inits it holds, and the actions retry, kill and reject an init.
 */
import type { Hono } from 'hono'
import type { ExplorerEnv } from './explorer-env.js'
import { failure } from './http-errors.js'

export function addHospitalRoutes(app: Hono<ExplorerEnv>): void {
  app.get('/api/hospital', async (c) => {
    const { hospital } = c.get('session').client
    try {
      const [patients, heldInits] = await Promise.all([hospital.list(), hospital.heldInits()])
      return c.json({ patients, heldInits })
    } catch (error) {
      return failure(c, error)
    }
  })
  app.get('/api/hospital/:id', async (c) => {
    try {
      return c.json({ report: (await c.get('session').client.hospital.show(c.req.param('id'))) ?? null })
    } catch (error) {
      return failure(c, error)
    }
  })
  app.post('/api/hospital/:id/retry', async (c) => {
    try {
      return c.json({ retried: await c.get('session').client.hospital.retry(c.req.param('id')) })
    } catch (error) {
      return failure(c, error)
    }
  })
  app.post('/api/hospital/:id/kill', async (c) => {
    try {
      return c.json({ killed: await c.get('session').client.hospital.kill(c.req.param('id')) })
    } catch (error) {
      return failure(c, error)
    }
  })
  app.post('/api/hospital/inits/:id/reject', async (c) => {
    try {
      return c.json({ rejected: await c.get('session').client.hospital.rejectSessionInit(c.req.param('id')) })
    } catch (error) {
      return failure(c, error)
    }
  })
}
