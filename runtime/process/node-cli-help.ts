/** The text of `colloquy node --help` (and of identity and flows): the commands, node.json's fields and the exit codes. */
export const nodeCommandHelp = `Usage:
  colloquy node --config <node.json> [--json] [--drain]
      Runs a node: opens its store, resumes unfinished flows, joins the network and starts the
      config's \`start\` flows that never ran, once all of them name a flow of the app and their args
      match its schema. Stops cleanly on SIGTERM or SIGINT; a fatal error (e.g. its store failing to
      commit) is logged once and ends the process with exit code 1.
      --json   prints one JSON event per line instead of readable lines
      --drain  drain mode for upgrades: finishes the flows in flight, takes no new work, reports when
               drained (same as "drain": true in node.json)
  colloquy flows --config <node.json>
      Lists the node's unfinished flows (id, name, sessions with protocol version and counterparty).
  colloquy flows kill <flowId>... --config <node.json>
      Ends those flows as an operator (run it while the node is stopped): the counterparties see the
      flow end. For flows in flight on a protocol version the build no longer declares.
  colloquy identity --config <node.json> [--rotate]
      Creates the node's Ed25519 key pair (mode 0600) beside its store file if missing and prints its
      network-map entry; the only command that creates keys (\`colloquy node\` refuses a missing key file,
      and one its group or others may read). --rotate writes a new key, keeps the old as <keyFile>.old, and
      prints the entry to publish. SIGHUP to a running node reloads its network map.

node.json fields (paths relative to the file):
  name, store, listen ("host:port"), networkMap,
  app (a module default-exporting nodeApp({ flows, responders, protocols }))
  store: "node.db" (a SQLite file; "database" is its older spelling, not both) or
         { "postgres": "postgres://user@host:5432/db", "schema": "colloquy" } (the schema is created if missing;
         one node per schema), with "workers": true or { "leaseMs", "claimBatch" } for one of several worker
         processes serving the node on that schema (docs/scale-out.md)
  optional: keyFile (default <store file>.key, or <name>.key beside node.json for PostgreSQL),
            durability ("full" | "fast"), drain, maxFrameBytes,
            redeliverAfterMs, evictIdleAfterMs, keepSentPayloads (true: sends journal their payloads, so
            \`colloquy flow messages\` and the Explorer show them while the flow runs; they then rest in the store),
            quotas (per-peer limits, see README), start ([{ "flow", "id", "args" }], args as the flow's
            schema declares them; a typo is refused by field name before anything is written),
            network ({ "transport": "tcp" }, the default, or { "transport": "nats", "url", "stream",
            "subjectPrefix", "ackWaitMs", ... }: envelopes through a NATS JetStream broker, still signed
            with the node's key; listen is then only the address its network-map entry names;
            "transport": "tcp" or { "nats": "<url>", ... } says the same, not both),
            rpc ({ "listen": "127.0.0.1:7100", "users": [...] }, optional "tls": { "cert", "key" } and
            "allowInsecure"; the RPC endpoint of \`colloquy flow\`; \`colloquy rpc-user add\` writes users),
            explorer ({ "listen": { "host": "127.0.0.1", "port": 7200 } }, optional "tls" and "allowInsecure"
            as for rpc; serves the Explorer web page, whose operators log in with the rpc users; needs rpc)

Exit codes: 0 stopped cleanly, 1 the node refused to start or failed, 2 bad config (start args included),
key, network map or app, 4 stopping failed or an internal error (please report it), 6 the database is damaged
or went backwards (restore it from a backup; the message says how).
`
