/** The text of `colloquy hospital --help`. */
export const hospitalCommandHelp = `Usage: colloquy hospital <action> [arguments] [--url ws://host:port] [--user name] [--format text|json]
  Operates the flow hospital of a running node over its RPC endpoint (permissions InvokeRpc.hospital.*).

  hospital list [--state observed|retrying|running] [--flow <name>] [--staff <name>] [--error <code>]
      Flows the hospital keeps or retries, with their last diagnosis; held session inits after them.
  hospital show <flowId>
      A flow's admissions (error, staff, diagnosis, decision, retries) and what it waits for.
  hospital retry <flowId>
      Retries a kept flow from its last checkpoint now (fix the cause first).
  hospital retry --all [--flow <name>] [--staff <name>] [--error <code>] [--dry-run]
      Retries every kept flow the filter matches; --dry-run lists what would be retried and retries nothing.
  hospital kill <flowId>
      Ends the flow; its counterparties are told and its records removed.
  hospital reject-init <id>
      Rejects a held session init (its id as listed); its initiator gets the rejection.

Connection: --url, --user, or COLLOQUY_RPC_URL, COLLOQUY_RPC_USER; the password from COLLOQUY_RPC_PASSWORD,
else asked at the terminal, else read from standard input. --format json prints one JSON object.

Exit codes: 0 done, 1 no such flow or init, or the node is unreachable, 2 bad arguments, unknown user, wrong
password or missing permission.
`
