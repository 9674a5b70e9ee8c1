import { boolFlag, durationFlag, group, int64Flag, intFlag, leaf, stringFlag, stringSliceFlag, type CommandSpec, type FlagSpec } from './command-spec.js';

/**
 * etcdctl 3.4's command tree, as `etcdctl --help` and each `etcdctl <command> --help` show
 * it: Use, Short, Long and every flag with its pflag type and default. Order is the order
 * etcdctl adds them (cobra suggests in that order; help sorts by name). The `help` and
 * `completion` commands are the ones cobra adds itself (etcdctl 3.4.23 as Debian builds it,
 * with cobra 1.6, has `completion`).
 */

const GLOBAL_FLAGS: readonly FlagSpec[] = [
  stringSliceFlag('endpoints', ['127.0.0.1:2379'], 'gRPC endpoints'),
  boolFlag('debug', 'enable client-side debug logging'),
  stringFlag('write-out', 'simple', 'set the output format (fields, json, protobuf, simple, table)', 'w'),
  boolFlag('hex', 'print byte strings as hex encoded strings'),
  durationFlag('dial-timeout', '2s', 'dial timeout for client connections'),
  durationFlag('command-timeout', '5s', 'timeout for short running command (excluding dial timeout)'),
  durationFlag('keepalive-time', '2s', 'keepalive time for client connections'),
  durationFlag('keepalive-timeout', '6s', 'keepalive timeout for client connections'),
  boolFlag('insecure-transport', 'disable transport security for client connections', true),
  boolFlag('insecure-discovery', 'accept insecure SRV records describing cluster endpoints', true),
  boolFlag('insecure-skip-tls-verify', 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)'),
  stringFlag('cert', '', 'identify secure client using this TLS certificate file'),
  stringFlag('key', '', 'identify secure client using this TLS key file'),
  stringFlag('cacert', '', 'verify certificates of TLS-enabled secure servers using this CA bundle'),
  stringFlag('user', '', 'username[:password] for authentication (prompt if password is not supplied)'),
  stringFlag('password', '', "password for authentication (if this option is used, --user option shouldn't include password)"),
  stringFlag('discovery-srv', '', 'domain name to query for SRV records describing cluster endpoints', 'd'),
  stringFlag('discovery-srv-name', '', 'service name to query when using DNS discovery'),
];

const CLUSTER_FLAG = boolFlag('cluster', 'use all endpoints from the cluster member list');

const PUT_LONG = `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`;

const STATUS_LONG = (items: string) => `When --write-out is set to simple, this command prints out comma-separated ${items} lists for each endpoint.\n`;

const CHECK_FLAGS = (what: string, prefix: string): FlagSpec[] => [
  stringFlag('load', 's', `The ${what} check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)`),
  stringFlag('prefix', prefix, `The prefix for writing the ${what} check's keys.`),
  boolFlag('auto-compact', 'Compact storage with last revision after test is finished.'),
  boolFlag('auto-defrag', 'Defragment storage after test is finished.'),
];

const NO_DESCRIPTIONS = boolFlag('no-descriptions', 'disable completion descriptions');
const completion = (shell: string, long: string, more: Partial<CommandSpec> = {}) =>
  leaf(shell, `Generate the autocompletion script for ${shell}`, { long, flags: [NO_DESCRIPTIONS], noArgs: true, ...more });

const COMPLETION = group(
  'completion',
  'Generate the autocompletion script for the specified shell',
  [
    completion(
      'bash',
      `Generate the autocompletion script for the bash shell.

This script depends on the 'bash-completion' package.
If it is not installed already, you can install it via your OS's package manager.

To load completions in your current shell session:

\tsource <(etcdctl completion bash)

To load completions for every new session, execute once:

#### Linux:

\tetcdctl completion bash > /etc/bash_completion.d/etcdctl

#### macOS:

\tetcdctl completion bash > $(brew --prefix)/etc/bash_completion.d/etcdctl

You will need to start a new shell for this setup to take effect.
`,
      { disableFlagsInUseLine: true },
    ),
    completion(
      'zsh',
      `Generate the autocompletion script for the zsh shell.

If shell completion is not already enabled in your environment you will need
to enable it.  You can execute the following once:

\techo "autoload -U compinit; compinit" >> ~/.zshrc

To load completions in your current shell session:

\tsource <(etcdctl completion zsh); compdef _etcdctl etcdctl

To load completions for every new session, execute once:

#### Linux:

\tetcdctl completion zsh > "\${fpath[1]}/_etcdctl"

#### macOS:

\tetcdctl completion zsh > $(brew --prefix)/share/zsh/site-functions/_etcdctl

You will need to start a new shell for this setup to take effect.
`,
    ),
    completion(
      'fish',
      `Generate the autocompletion script for the fish shell.

To load completions in your current shell session:

\tetcdctl completion fish | source

To load completions for every new session, execute once:

\tetcdctl completion fish > ~/.config/fish/completions/etcdctl.fish

You will need to start a new shell for this setup to take effect.
`,
    ),
    completion(
      'powershell',
      `Generate the autocompletion script for powershell.

To load completions in your current shell session:

\tetcdctl completion powershell | Out-String | Invoke-Expression

To load completions for every new session, add the output of the above command
to your powershell profile.
`,
    ),
  ],
  { long: `Generate the autocompletion script for etcdctl for the specified shell.\nSee each sub-command's help for details on how to use the generated script.\n`, noArgs: true },
);

export const HELP_COMMAND = leaf('help [command]', 'Help about any command', {
  long: 'Help provides help for any command in the application.\nSimply type etcdctl help [path to command] for full details.',
});

export const ETCDCTL: CommandSpec = group(
  'etcdctl',
  'A simple command line client for etcd3.',
  [
    leaf('get [options] <key> [range_end]', 'Gets the key or a range of keys', {
      flags: [
        stringFlag('consistency', 'l', 'Linearizable(l) or Serializable(s)'),
        stringFlag('order', '', 'Order of results; ASCEND or DESCEND (ASCEND by default)'),
        stringFlag('sort-by', '', 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION'),
        int64Flag('limit', 0, 'Maximum number of results'),
        boolFlag('prefix', 'Get keys with matching prefix'),
        boolFlag('from-key', 'Get keys that are greater than or equal to the given key using byte compare'),
        int64Flag('rev', 0, 'Specify the kv revision'),
        boolFlag('keys-only', 'Get only the keys'),
        boolFlag('print-value-only', 'Only write values when using the "simple" output format'),
      ],
    }),
    leaf('put [options] <key> <value> (<value> can also be given from stdin)', 'Puts the given key into the store', {
      long: PUT_LONG,
      flags: [
        stringFlag('lease', '0', 'lease ID (in hexadecimal) to attach to the key'),
        boolFlag('prev-kv', 'return the previous key-value pair before modification'),
        boolFlag('ignore-value', 'updates the key using its current value'),
        boolFlag('ignore-lease', 'updates the key using its current lease'),
      ],
    }),
    leaf('del [options] <key> [range_end]', 'Removes the specified key or range of keys [key, range_end)', {
      flags: [boolFlag('prefix', 'delete keys with matching prefix'), boolFlag('prev-kv', 'return deleted key-value pairs'), boolFlag('from-key', 'delete keys that are greater than or equal to the given key using byte compare')],
    }),
    leaf('txn [options]', 'Txn processes all the requests in one transaction', { flags: [boolFlag('interactive', 'Input transaction in interactive mode', false, 'i')] }),
    leaf('compaction [options] <revision>', 'Compacts the event history in etcd', { flags: [boolFlag('physical', "'true' to wait for compaction to physically remove all old revisions")] }),
    group('alarm <subcommand>', 'Alarm related commands', [leaf('disarm', 'Disarms all alarms'), leaf('list', 'Lists all alarms')]),
    leaf('defrag', 'Defragments the storage of the etcd members with given endpoints', {
      persistentFlags: [CLUSTER_FLAG],
      flags: [stringFlag('data-dir', '', 'Optional. If present, defragments a data directory not in use by etcd.')],
    }),
    group(
      'endpoint <subcommand>',
      'Endpoint related commands',
      [
        leaf('health', 'Checks the healthiness of endpoints specified in `--endpoints` flag'),
        leaf('status', 'Prints out the status of endpoints specified in `--endpoints` flag', {
          long: `${STATUS_LONG('status')}The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.\n`,
        }),
        leaf('hashkv', 'Prints the KV history hash for each endpoint in --endpoints', { persistentFlags: [int64Flag('rev', 0, 'maximum revision to hash (default: all revisions)')] }),
      ],
      { persistentFlags: [CLUSTER_FLAG] },
    ),
    leaf('move-leader <transferee-member-id>', 'Transfers leadership to another etcd cluster member.'),
    leaf('watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]', 'Watches events stream on keys or prefixes', {
      flags: [
        boolFlag('interactive', 'Interactive mode', false, 'i'),
        boolFlag('prefix', 'Watch on a prefix if prefix is set'),
        int64Flag('rev', 0, 'Revision to start watching'),
        boolFlag('prev-kv', 'get the previous key-value pair before the event happens'),
      ],
    }),
    leaf('version', 'Prints the version of etcdctl'),
    group('lease <subcommand>', 'Lease related commands', [
      leaf('grant <ttl>', 'Creates leases'),
      leaf('revoke <leaseID>', 'Revokes leases'),
      leaf('timetolive <leaseID> [options]', 'Get lease information', { flags: [boolFlag('keys', 'Get keys attached to this lease')] }),
      leaf('list', 'List all active leases'),
      leaf('keep-alive [options] <leaseID>', 'Keeps leases alive (renew)', { flags: [boolFlag('once', 'Resets the keep-alive time to its original value and exits immediately')] }),
    ]),
    group('member <subcommand>', 'Membership related commands', [
      leaf('add <memberName> [options]', 'Adds a member into the cluster', {
        flags: [stringFlag('peer-urls', '', 'comma separated peer URLs for the new member.'), boolFlag('learner', 'indicates if the new member is raft learner')],
      }),
      leaf('remove <memberID>', 'Removes a member from the cluster'),
      leaf('update <memberID> [options]', 'Updates a member in the cluster', { flags: [stringFlag('peer-urls', '', 'comma separated peer URLs for the updated member.')] }),
      leaf('list', 'Lists all members in the cluster', { long: `${STATUS_LONG('member')}The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.\n` }),
      leaf('promote <memberID>', 'Promotes a non-voting member in the cluster', { long: 'Promotes a non-voting learner member to a voting one in the cluster.\n' }),
    ]),
    group('snapshot <subcommand>', 'Manages etcd node snapshots', [
      leaf('save <filename>', 'Stores an etcd node backend snapshot to a given file'),
      leaf('restore <filename> [options]', 'Restores an etcd member snapshot to an etcd directory', {
        flags: [
          stringFlag('data-dir', '', 'Path to the data directory'),
          stringFlag('wal-dir', '', 'Path to the WAL directory (use --data-dir if none given)'),
          stringFlag('initial-cluster', 'default=http://localhost:2380', 'Initial cluster configuration for restore bootstrap'),
          stringFlag('initial-cluster-token', 'etcd-cluster', 'Initial cluster token for the etcd cluster during restore bootstrap'),
          stringFlag('initial-advertise-peer-urls', 'http://localhost:2380', "List of this member's peer URLs to advertise to the rest of the cluster"),
          stringFlag('name', 'default', 'Human-readable name for this member'),
          boolFlag('skip-hash-check', 'Ignore snapshot integrity hash value (required if copied from data directory)'),
        ],
      }),
      leaf('status <filename>', 'Gets backend snapshot status of a given file', { long: `${STATUS_LONG('status')}The items in the lists are hash, revision, total keys, total size.\n` }),
    ]),
    leaf('make-mirror [options] <destination>', 'Makes a mirror at the destination etcd cluster', {
      flags: [
        stringFlag('prefix', '', 'Key-value prefix to mirror'),
        stringFlag('dest-prefix', '', 'destination prefix to mirror a prefix to a different prefix in the destination cluster'),
        boolFlag('no-dest-prefix', 'mirror key-values to the root of the destination cluster'),
        stringFlag('dest-cert', '', 'Identify secure client using this TLS certificate file for the destination cluster'),
        stringFlag('dest-key', '', 'Identify secure client using this TLS key file'),
        stringFlag('dest-cacert', '', 'Verify certificates of TLS enabled secure servers using this CA bundle'),
        boolFlag('dest-insecure-transport', 'Disable transport security for client connections', true),
      ],
    }),
    leaf('migrate', 'Migrates keys in a v2 store to a mvcc store', {
      flags: [
        boolFlag('no-ttl', 'Do not convert TTL keys'),
        stringFlag('data-dir', '', 'Path to the data directory'),
        stringFlag('wal-dir', '', 'Path to the WAL directory'),
        stringFlag('transformer', '', 'Path to the user-provided transformer program'),
      ],
    }),
    leaf('lock <lockname> [exec-command arg1 arg2 ...]', 'Acquires a named lock', { flags: [intFlag('ttl', 10, 'timeout for session')] }),
    leaf('elect <election-name> [proposal]', 'Observes and participates in leader election', { flags: [boolFlag('listen', 'observation mode', false, 'l')] }),
    group('auth <enable or disable>', 'Enable or disable authentication', [leaf('enable', 'Enables authentication'), leaf('disable', 'Disables authentication')]),
    group('user <subcommand>', 'User related commands', [
      leaf('add <user name or user:password> [options]', 'Adds a new user', {
        flags: [
          boolFlag('interactive', 'Read password from stdin instead of interactive terminal', true),
          stringFlag('new-user-password', '', 'Supply password from the command line flag'),
          boolFlag('no-password', 'Create a user without password (CN based auth only)'),
        ],
      }),
      leaf('delete <user name>', 'Deletes a user'),
      leaf('get <user name> [options]', 'Gets detailed information of a user', { flags: [boolFlag('detail', 'Show permissions of roles granted to the user')] }),
      leaf('list', 'Lists all users'),
      leaf('passwd <user name> [options]', 'Changes password of user', { flags: [boolFlag('interactive', 'If true, read password from stdin instead of interactive terminal', true)] }),
      leaf('grant-role <user name> <role name>', 'Grants a role to a user'),
      leaf('revoke-role <user name> <role name>', 'Revokes a role from a user'),
    ]),
    group('role <subcommand>', 'Role related commands', [
      leaf('add <role name>', 'Adds a new role'),
      leaf('delete <role name>', 'Deletes a role'),
      leaf('get <role name>', 'Gets detailed information of a role'),
      leaf('list', 'Lists all roles'),
      leaf('grant-permission [options] <role name> <permission type> <key> [endkey]', 'Grants a key to a role', {
        flags: [boolFlag('prefix', 'grant a prefix permission'), boolFlag('from-key', 'grant a permission of keys that are greater than or equal to the given key using byte compare')],
      }),
      leaf('revoke-permission <role name> <key> [endkey]', 'Revokes a key from a role', {
        flags: [boolFlag('prefix', 'revoke a prefix permission'), boolFlag('from-key', 'revoke a permission of keys that are greater than or equal to the given key using byte compare')],
      }),
    ]),
    group('check <subcommand>', 'commands for checking properties of the etcd cluster', [
      leaf('perf [options]', 'Check the performance of the etcd cluster', { flags: CHECK_FLAGS('performance', '/etcdctl-check-perf/') }),
      leaf('datascale [options]', 'Check the memory usage of holding data for different workloads on a given server endpoint.', {
        long: 'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.',
        flags: CHECK_FLAGS('datascale', '/etcdctl-check-datascale/'),
      }),
    ]),
    HELP_COMMAND,
    COMPLETION,
  ],
  { persistentFlags: GLOBAL_FLAGS },
);
