import { boolFlag, nameOf, type CommandSpec, type FlagSpec } from './command-spec.js';

/**
 * A CommandSpec placed in its tree, answering what cobra asks of a command: its path, its
 * local and inherited flags, its use line.
 */
export class CobraCommand {
  readonly name: string;
  readonly children: readonly CobraCommand[];

  constructor(
    readonly spec: CommandSpec,
    readonly parent?: CobraCommand,
  ) {
    this.name = nameOf(spec);
    this.children = (spec.subcommands ?? []).map((s) => new CobraCommand(s, this));
  }

  get root(): CobraCommand {
    return this.parent ? this.parent.root : this;
  }

  get runnable(): boolean {
    return this.spec.runnable;
  }

  /** Names from the root's child down to this command (`['member', 'list']`). */
  get path(): string[] {
    return this.parent ? [...this.parent.path, this.name] : [];
  }

  /** `etcdctl member list`. */
  get commandPath(): string {
    return this.parent ? `${this.parent.commandPath} ${this.name}` : this.name;
  }

  /** cobra's UseLine: the parent's path, this Use, and ` [flags]` (every etcdctl command has flags). */
  get useLine(): string {
    const line = this.parent ? `${this.parent.commandPath} ${this.spec.use}` : this.spec.use;
    return this.spec.disableFlagsInUseLine || line.includes('[flags]') ? line : `${line} [flags]`;
  }

  /** The help flag cobra adds to every command. */
  get helpFlag(): FlagSpec {
    return boolFlag('help', `help for ${this.name}`, false, 'h');
  }

  /** Flags defined here, persistent ones included, and the help flag. */
  get localFlags(): FlagSpec[] {
    return [...(this.spec.flags ?? []), ...(this.spec.persistentFlags ?? []), this.helpFlag];
  }

  /** Persistent flags of the ancestors; the nearest definition of a name wins. */
  get inheritedFlags(): FlagSpec[] {
    const seen = new Set(this.localFlags.map((f) => f.name));
    const out: FlagSpec[] = [];
    for (let p = this.parent; p; p = p.parent) {
      for (const f of p.spec.persistentFlags ?? []) {
        if (!seen.has(f.name)) {
          seen.add(f.name);
          out.push(f);
        }
      }
    }
    return out;
  }

  /** Every flag the command's parser accepts. */
  get allFlags(): FlagSpec[] {
    return [...this.localFlags, ...this.inheritedFlags];
  }

  /** This command's descendants, depth first, each level sorted by name (as Commands() sorts). */
  get descendants(): CobraCommand[] {
    return sortedByName(this.children).flatMap((c) => [c, ...c.descendants]);
  }

  /** Available for suggestions: not the help command, and runnable or grouping something runnable. */
  get available(): boolean {
    return this.spec.use !== 'help [command]' && (this.runnable || this.children.some((c) => c.available));
  }
}

export const sortedByName = (cs: readonly CobraCommand[]) => [...cs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
