// The segloss command line: subcommands over the library.
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../pipeline/discover.js';
import { VERSION } from '../pipeline/buildReport.js';
import { evalCommand } from './evalCommand.js';
import { registerMerge } from './mergeCommand.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function buildProgram(exit: { code: number }): Command {
  const program = new Command('segloss')
    .description('Evaluate segmentation predictions against ground truth: every loss and metric, per case and label.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('eval')
    .description('evaluate a folder (or file) of predictions against ground truth')
    .requiredOption('--pred <path>', 'prediction folder or file')
    .requiredOption('--gt <path>', 'ground-truth folder or file')
    .addOption(new Option('--format <fmt>', 'report on stdout').choices(['table', 'csv', 'json', 'markdown', 'nnunet']).default('table'))
    .option('--out <file>', 'also write a report file (.json .csv .md), atomically; repeatable', collect)
    .addOption(new Option('--input <kind>', 'what the predictions hold').choices(['auto', 'logits', 'probs', 'labels']))
    .option('--threshold <p>', 'probability threshold for hard masks [0.5]')
    .option('--labels <list>', 'labels to evaluate, e.g. 1,2,3 [every non-zero label of the run]')
    .option('--regions <spec>', 'regions to evaluate instead of labels, e.g. "WT=1,2,3;TC=2,3;ET=3"')
    .option('--include-background', 'evaluate label 0 too')
    .option('--ignore-index <n>', 'ground-truth value whose voxels are left out')
    .addOption(new Option('--empty <policy>', 'Dice/IoU of a pair of empty masks').choices(['one', 'nan']))
    .addOption(new Option('--missing <policy>', 'a ground-truth case without prediction').choices(['zero', 'skip', 'error']))
    .option('--losses <list>', 'losses to compute, or all [every loss but focal_global]')
    .option('--metrics <list>', 'metrics to compute, or all (adds hd hd95 assd nsd) [overlap metrics]')
    .addOption(new Option('--hd95 <mode>', 'union = MedPy percentile of both directions; max = MONAI/DeepMind').choices(['union', 'max']))
    .option('--nsd-tolerance <mm>', 'normalised surface Dice tolerance in mm [1]')
    .option('--spacing <x,y[,z]>', 'voxel spacing in mm when the ground truth has none (PNG, NumPy)')
    .addOption(new Option('--npy-axes <rule>', 'NumPy axes against a NIfTI ground truth').choices(['auto', 'reversed', 'same']))
    .option('--smooth <s>', 'smoothing term of dice/iou/tversky/combo [1]')
    .option('--focal-alpha <a>', 'focal α [0.8]')
    .option('--focal-gamma <g>', 'focal γ [2]')
    .addOption(new Option('--focal-mode <mode>', 'α for every voxel, or α/1−α by class').choices(['constant', 'balanced']))
    .option('--tversky-alpha <a>', 'Tversky α (false positives) [0.5]')
    .option('--tversky-beta <b>', 'Tversky β (false negatives) [0.5]')
    .option('--focal-tversky-gamma <g>', 'focal Tversky γ [2]')
    .option('--combo-alpha <a>', 'Combo α [0.5]')
    .option('--combo-beta <b>', 'Combo β [0.5]')
    .option('--max-voxels <n>', 'refuse arrays with more elements [2^31]')
    .option('--workers <n>', 'cases evaluated in parallel [cores]')
    .option('--shard <i/n>', 'evaluate only shard i of n (1-based), for scale-out')
    .option('--gate <expr>', 'fail (exit 1) unless e.g. "metrics.dice.mean>=0.85"; repeatable', collect)
    .option('--gate-case <expr>', 'fail unless every ok case passes, e.g. "metrics.dice>=0.5"; repeatable', collect)
    .option('--all-cases', 'table: list every case even above 40')
    .option('--quiet', 'no progress and no notes on stderr')
    .option('--debug', 'show stack traces')
    .action(async (opts) => {
      exit.code = await evalCommand(opts, {
        stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
        stderr: (s) => process.stderr.write(s),
        isTTY: Boolean(process.stdout.isTTY),
        env: process.env,
      });
    });
  registerMerge(program, exit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(exit);
  try {
    await program.parseAsync(argv);
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      process.stderr.write(`segloss: ${e.message}\n`);
      return 2;
    }
    const debug = argv.includes('--debug');
    process.stderr.write(`segloss: ${debug && e instanceof Error ? e.stack : e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}
