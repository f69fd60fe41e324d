/** The text of `colloquy flow --help`. */
export const flowCommandHelp = `Usage: colloquy flow <action> [arguments] [--url ws://host:port] [--user name] [--format text|json]
  Operates the flows of a running node over its RPC endpoint (the rpc section of node.json).

  flow start <name> [--args '<json>'] [--client-id <id>] [--watch]
      Starts a flow; with --client-id a second start with the same id returns the same flow (its
      outcome once finished). --watch shows its progress live and waits for its result.
  flow list [--state running|waiting|hospitalized|finished|failed] [--flow <name>] [--client-id <id>] [--since <ISO time>]
      Lists flows with their state, client id and current progress step.
  flow status <flowId>
      Where the flow is and what it waits for right now (a message, a timer, an external event).
  flow watch <flowId>
      Shows the flow's progress tree live until it ends (plain lines when not at a terminal).
  flow messages <flowId>
      The messages a running flow sent and received, in order: counterparty, protocol version, step and
      payload (kept for every received message; for a sent one until the peer acknowledged it, or while
      the flow runs on a node with "keepSentPayloads": true). Needs InvokeRpc.flowMessages. A finished
      flow has none left.
  flow kill <flowId>
      Ends a running flow; its counterparties see it end.
  flow reattach <clientId>
      Waits for the result of the flow started with that client id (at once if it finished).
  flow remove <clientId>
      Forgets a finished flow's client id and its kept outcome.
  flow signal <flowId> <name> [--payload '<json>']
      Delivers an external event the flow waits for (ctx.waitFor); safe to repeat.

Connection: --url, --user, or COLLOQUY_RPC_URL, COLLOQUY_RPC_USER; the password from COLLOQUY_RPC_PASSWORD,
else asked at the terminal, else read from standard input. --format json prints JSON (one object; watch
and start --watch print one per line). A spinner shows on standard error while waiting, at a terminal only.

Exit codes: 0 done, 1 the flow failed, was not found or the node is unreachable, 2 bad arguments, unknown user,
wrong password or missing permission.
`
