/**
 * What the RPC server asks of a node: the operator's part of the engine's public node API
 * (runtime/engine/node-api.ts). Client ids are scoped per owner: the server passes the RPC user's name.
 */
import type { Observable } from 'rxjs'
import type { FlowEvent, Node } from '../engine/index.js'

export type OperableNode = Pick<
  Node,
  | 'name'
  | 'events'
  | 'startFlowByName'
  | 'flowNames'
  | 'reattachFlow'
  | 'removeClientId'
  | 'finishedFlowsWithClientIds'
  | 'listFlows'
  | 'flowStatus'
  | 'flowMessages'
  | 'resultOf'
  | 'killFlow'
  | 'signal'
  | 'progress'
  | 'unfinishedFlows'
  | 'protocols'
  | 'peers'
  | 'hospital'
>

export type { FlowEvent, Observable }
