/** The text of `colloquy --help`: every command of both command lines, the shared options and the exit codes. */
export const helpText = `Usage: colloquy <command> [options]

Commands:
  init                Scaffold <protocols>/ with an example protocol, tsconfig.colloquy.json and
                      the package scripts, in an empty or existing project (never overwrites)
  generate            Generate typed stubs, state tables and diagrams from
                      <protocols>/**/*.protocol.ts into <out>/ (writes only what changed)
  generate --watch    Generate, then again whenever a file under <protocols>/ changes
  check               Verify that <out>/ is up to date with <protocols>/ and the generator;
                      lists each stale file and what to run. Also compares every version
                      locked in <protocols>/colloquy.lock.json with the tree: each
                      incompatible change as path:line:col: RULE: message. Remedy.
                      (locked at path:line:col)
  check --against <ref>
                      The same, with the protocols at git revision <ref> as the released
                      side instead of the lockfile
  check --format github|sarif|json
                      The same as GitHub workflow annotations, a SARIF 2.1.0 log or JSON on
                      stdout, each finding with a fingerprint that unrelated edits keep
  check --approve <fingerprint> --reason <text>
                      Record a finding the check reports as an intended break, in
                      <protocols>/colloquy.approvals.json; approved findings no longer fail
  lock                Record every declared protocol version (IR, hash, step locations)
                      in <protocols>/colloquy.lock.json: adds new versions, keeps
                      unchanged ones, refuses a locked version whose definition changed
                      (keeps it as locked when each of its changes is approved)
  lock --force        Also overwrite locked versions whose definition changed
  lock --prune        Also drop locked versions no longer declared (kept otherwise)
  versions [protocol] Each protocol's versions: lock state (locked, unlocked, changed since
                      lock, removed from tree), hash, and what a node built from this tree
                      offers and accepts (every declared version; the highest is preferred)
  node --config <f>   Run a node process from a node.json (colloquy node --help for its fields)
  identity --config <f>
                      Create the node's key pair if missing; print its network-map entry
  flows [kill <id>...] --config <f>
                      List the node's unfinished flows, or end them as an operator
  flow <action> ...    Operate a running node's flows over its RPC endpoint: start, list, status,
                      watch, kill, reattach, remove, signal (colloquy flow --help)
  hospital <action> ...
                      Operate a running node's flow hospital over RPC: list, show, retry,
                      kill, reject-init (colloquy hospital --help)
  rpc-user add --config <f> --user <name> [--permission <p>]...
                      Add an RPC user to node.json (password asked, stored as a scrypt hash)
  explorer --node <url>
                      Serve the Explorer web page for a node's RPC endpoint (colloquy explorer --help)
  help                Show this text

Options:
  --root <dir>        Project root (default: the nearest folder upwards holding a package.json,
                      else the current directory; for init, the current directory)
  --protocols <dir>   Folder holding *.protocol.ts files, relative to the root (default: protocols)
  --out <dir>         Output folder, relative to the root (default: generated)
  --runtime <module>  Module the generated code imports the runtime from
                      (default: colloquy/protocol; ./runtime/protocol/index.ts inside the colloquy repository)
  --format <format>   Output of check and versions: text or json; check also takes github
                      or sarif (default: text)
  -h, --help          Show this text
  --version           Print the version

Environment:
  COLLOQUY_LOAD_TIMEOUT
                      Seconds a protocol file may run while it loads (default: 20). generate,
                      check, lock and versions run protocol files in a child process; one
                      that loops, exits, or leaves a timer or server running fails with exit 3

Exit codes:
  0  success
  1  generated code is stale (check)
  2  usage error
  3  a protocol is invalid or failed to load
  4  internal error
  5  a released protocol version changed or is no longer declared (check,
     check --against; lock without --force); wins over 1 when both apply
`
