// The segloss command line: subcommands over the library.
//   eval     evaluate predictions against ground truth (reports, gates, baselines)
//   compare  which cases got worse or better between two JSON reports
//   inspect  what the readers see in a file
// Exit status: 0 ok, 1 failed (gate, baseline, case error; inspect: a bad file), 2 usage
// error, 130/143 interrupted by SIGINT/SIGTERM. No stack traces unless --debug.
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../pipeline/buildReport.js';
import { DiscoveryError } from '../errors.js';
import { UsageError } from './usageError.js';
import { loadConfigFile, mergeWithConfig, optionSpecs } from './configFile.js';
import { evalCommand, FORMATS } from './evalCommand.js';
import { addHtmlOptions, registerReport, writeComparePage } from './htmlOutput.js';
import { installInterruptHandlers } from './interrupt.js';
import { registerMerge } from './mergeCommand.js';
// `compare` and `inspect` are loaded when they run: with the readers and the statistics
// they bring ~50 modules that `eval` and `--version` do not need on the main thread.

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdoutIsTTY: boolean;
  /** The progress bar's stream (stderr). */
  progressStream?: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Terminal width of stdout (a TTY only). */
  stdoutColumns?: number;
}

function processIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
    stderr: (s) => process.stderr.write(s),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    progressStream: process.stderr,
    env: process.env,
    stdoutColumns: process.stdout.isTTY ? process.stdout.columns : undefined,
  };
}

export function buildProgram(exit: { code: number }, io: CliIO = processIO()): Command {
  const program = new Command('segloss')
    .description('Evaluate segmentation predictions against ground truth: every loss and metric, per case and label.')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  const evalCmd = program
    .command('eval')
    .description('evaluate a folder (or file) of predictions against ground truth')
    .option('--pred <path>', 'prediction folder or file (required)')
    .option('--gt <path>', 'ground-truth folder or file (required)')
    .option('--recursive', 'walk sub-folders of --gt and --pred; the case id is the path below the folder')
    .option('--pred-pattern <template>', 'prediction file names, {id} for the case id, e.g. "{id}_seg" (case_seg.nii.gz ↔ case.nii.gz)')
    .option('--gt-pattern <template>', 'ground-truth file names, e.g. "{id}_gt"')
    .option('--pairs <file.csv>', 'a CSV of pairs instead of folders: header gt,pred[,id], paths relative to the CSV')
    .option('--config <file>', 'JSON file of eval options (camelCase or kebab-case keys, arrays for repeatables); the command line wins')
    .addOption(new Option('--format <fmt>', 'report on stdout').choices(FORMATS).default('table'))
    .option('--out <file>', 'also write a report file (.json .csv .md .txt, or FORMAT:FILE e.g. nnunet:summary.json), atomically; repeatable', collect)
    .option('--github', 'append the Markdown report to $GITHUB_STEP_SUMMARY (GitHub Actions job summary)')
    .addOption(new Option('--input <kind>', 'what the predictions hold').choices(['auto', 'logits', 'probs', 'labels']))
    .option('--threshold <p>', 'probability threshold for hard masks [0.5]')
    .option('--labels <list>', 'labels to evaluate, e.g. 1,2,3 [every non-zero label of the run]')
    .option('--regions <spec>', 'regions to evaluate instead of labels, e.g. "WT=1,2,3;TC=2,3;ET=3"')
    .option('--label-names <list>', 'names shown in every report, e.g. 1=liver,2=spleen')
    .option('--dataset-json <file>', "an nnU-Net dataset.json: label names from its \"labels\", and its regions (lists of labels) as --regions")
    .option('--include-background', 'evaluate label 0 too')
    .option('--allow-absent-labels', 'evaluate a --labels/--regions label that occurs in no case of the run (otherwise exit 2)')
    .option('--ignore-index <n>', 'ground-truth value whose voxels are left out')
    .addOption(new Option('--empty <policy>', 'Dice/IoU of a pair of empty masks').choices(['one', 'nan']))
    .addOption(new Option('--missing <policy>', 'a ground-truth case without prediction').choices(['zero', 'skip', 'error']))
    .option('--losses <list>', 'losses to compute, all, or none (metrics only, several times faster) [every loss but focal_global]')
    .option('--metrics <list>', 'metrics to compute, or all (adds hd hd95 assd nsd) [overlap metrics]')
    .addOption(new Option('--hd95 <mode>', 'union = MedPy percentile of both directions; max = MONAI/DeepMind').choices(['union', 'max']))
    .option('--nsd-tolerance <mm>', 'normalised surface Dice tolerance in mm, or min-spacing (the smallest voxel spacing) [1]')
    .addOption(new Option('--convention <name>', "reproduce another tool's numbers: sets the options below (an explicit option wins)").choices(['segloss', 'nnunet', 'monai', 'metricsreloaded', 'medpy', 'deepmind', 'panoptica', 'smp']))
    .addOption(new Option('--empty-iou <policy>', 'IoU of an empty pair: as --empty, or nan').choices(['same', 'nan']))
    .addOption(new Option('--empty-gt <policy>', 'Dice/IoU when only the ground truth is empty').choices(['zero', 'nan']))
    .option('--surface-empty-one <values>', 'hd,hd95,assd,nsd when exactly one mask is empty: "hd=inf,hd95=null,assd=inf,nsd=0" or one of null inf 0 1 [null]')
    .option('--surface-empty-pair <values>', 'the same for an empty pair [null]')
    .addOption(new Option('--assd <mode>', 'pooled = mean over both directions\' distances; mean = mean of the two directed means').choices(['pooled', 'mean']))
    .addOption(new Option('--nsd <mode>', 'pooled = within-tolerance share of both surfaces; mean = mean of the directed shares').choices(['pooled', 'mean']))
    .addOption(new Option('--surface <kind>', 'surface samples: boundary voxel centres, or DeepMind area-weighted surface elements').choices(['voxels', 'surfels']))
    .addOption(new Option('--focal-multiclass <mode>', 'focal of a multi-channel prediction: per-class binary, or categorical (MONAI)').choices(['binary', 'categorical']))
    .addOption(new Option('--absent-class-loss <mode>', 'dice/iou/tversky losses of a class absent from the ground truth: keep, or 0 (smp)').choices(['keep', 'zero']))
    .addOption(new Option('--lovasz-classes <set>', 'Lovász-softmax over the classes present in the ground truth, or all').choices(['present', 'all']))
    .option('--ece-bins <n>', 'equal-width bins of the ECE and its reliability table [15]')
    .option('--spacing <x,y[,z]>', 'voxel spacing in mm; overrides a NIfTI header\'s spacing (PNG, NumPy have none: 1)')
    .addOption(new Option('--npy-axes <rule>', 'NumPy axes against a NIfTI ground truth').choices(['auto', 'reversed', 'same']))
    .addOption(new Option('--geometry <mode>', 'prediction orientation differs from ground truth (NIfTI, MetaImage, NRRD) [error]').choices(['error', 'warn', 'ignore']))
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
    .option('--workers <n>', 'cases evaluated in parallel, at most the cores [cores]')
    .option('--case-timeout <s>', 'give up on a case after this many seconds (runs cases on a worker thread) [no limit]')
    .option('--shard <i/n>', 'evaluate only shard i of n (1-based), for scale-out')
    .option('--gate <expr>', 'fail (exit 1) unless e.g. "metrics.dice.mean>=0.85" (a path into summary); repeatable', collect)
    .option('--gate-case <expr>', 'fail unless every ok case passes, e.g. "metrics.dice>=0.5"; repeatable', collect)
    .option('--baseline <report.json>', 'an earlier JSON report to check --max-drop against')
    .option('--max-drop <path=delta>', 'fail when PATH got worse than in --baseline by more than DELTA (a drop; a rise for losses and distances), e.g. metrics.dice.mean=0.01; repeatable', collect)
    .option('--regression-test', 'a --max-drop check on a per-case mean/median/min/max fails only if a one-sided paired Wilcoxon test also says this run is worse')
    .option('--alpha <a>', 'significance level of --regression-test [0.05]')
    .option('--ci', 'add a bootstrap 95 % confidence interval (ci_low, ci_high) to every summary mean')
    .option('--seed <n>', 'bootstrap seed of --ci [0]')
    .option('--lesions [mode]', 'lesion-wise evaluation: iou (default), overlap, or the brats2023 preset')
    .option('--connectivity <c>', 'lesions: full (8/26 neighbours) or face (4/6) [full]')
    .option('--lesion-iou <t>', 'lesions: IoU above which a pair matches [0.5]')
    .option('--lesion-dilation <k>', 'lesions: dilations grouping and matching gt lesions [0]')
    .option('--lesion-volume-threshold <mm3>', 'lesions: lesions of at most this volume are small, ignored [0]')
    .option('--lesion-small <rule>', 'lesions: both = small gt and unmatched small pred ignored; gt = small pred stay FP [both]')
    .option('--lesion-hd95-penalty <mm>', 'lesions: hd95 of a missed or false lesion, mm or diagonal [diagonal]')
    .option('--lesion-csv <file>', 'lesions: also write one CSV row per lesion')
    .option('--all-cases', 'table: list every case even above 40')
    .option('--quiet', 'no progress and no notes on stderr')
    .option('--debug', 'show stack traces');
  addHtmlOptions(evalCmd);
  evalCmd.action(async (opts: Record<string, unknown>, cmd: Command) => {
    let options = opts;
    if (opts.config !== undefined) {
      const fromFile = loadConfigFile(String(opts.config), optionSpecs(cmd));
      options = mergeWithConfig(opts, fromFile, (k) => cmd.getOptionValueSource(k));
    }
    exit.code = await evalCommand(options, {
      stdout: io.stdout,
      stderr: io.stderr,
      isTTY: io.stdoutIsTTY,
      progressStream: io.progressStream,
      env: io.env,
      columns: io.stdoutColumns,
    });
  });

  program
    .command('compare')
    .description('is the new run better? paired statistics per quantity (mean difference, bootstrap CI, Wilcoxon p, Holm), then which cases got worse and better')
    .argument('<old>', 'the earlier report (--out report.json)')
    .argument('<new>', 'the later report')
    .addOption(new Option('--format <fmt>', 'output').choices(['table', 'json']).default('table'))
    .option('--limit <n>', 'table: cases listed per direction and quantity [10]')
    .option('--alpha <a>', 'significance level of the verdicts, after Holm adjustment [0.05]')
    .option('--seed <n>', 'bootstrap seed: the same seed gives the same intervals [0]')
    .option('--label <list>', 'show only these labels (or regions), e.g. 1,3; repeatable', collect)
    .option('--metric <list>', 'show only these metrics (dice) or losses (losses.dice); repeatable', collect)
    .option('--out <file>', 'also write the comparison as one self-contained HTML page (.html)')
    .action(async (oldPath: string, newPath: string, opts: Record<string, unknown>) => {
      const { compareCommand } = await import('./compareCommand.js');
      if (opts.out !== undefined) {
        await writeComparePage(oldPath, newPath, opts, (stdout) => compareCommand(oldPath, newPath, { ...opts, format: 'json' }, { stdout, color: false, env: io.env }));
      }
      exit.code = compareCommand(oldPath, newPath, opts, { stdout: io.stdout, color: io.stdoutIsTTY, env: io.env });
    });

  program
    .command('inspect')
    .description('show what the readers see in each file: format, shape, dtype, spacing, values, labels, what --input auto decides')
    .argument('<files...>', 'PNG, NIfTI or NumPy files')
    .addOption(new Option('--format <fmt>', 'output').choices(['table', 'json']).default('table'))
    .option('--max-labels <n>', 'unique values listed per file [20]')
    .option('--max-voxels <n>', 'refuse arrays with more elements [2^31]')
    .action(async (files: string[], opts: Record<string, unknown>) => {
      const { inspectCommand } = await import('./inspectCommand.js');
      exit.code = await inspectCommand(files, opts, { stdout: io.stdout, stderr: io.stderr });
    });
  registerMerge(program, exit, io);
  registerReport(program, exit, io);
  return program;
}

/**
 * A reader that goes away (`segloss eval … | head`) is not an error: the rest of stdout is
 * dropped and the command still finishes, so its exit status still reflects the gates.
 */
function tolerateClosedStdout(stderr: (s: string) => void): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    stderr(`segloss: cannot write to stdout: ${e.message}\n`);
    process.exit(2);
  });
}

export async function main(argv: string[], io?: CliIO): Promise<number> {
  if (!io) {
    io = processIO();
    tolerateClosedStdout(io.stderr);
  }
  const exit = { code: 0 };
  const program = buildProgram(exit, io);
  const debug = argv.includes('--debug');
  const removeHandlers = installInterruptHandlers({ stderr: io.stderr, exit: (code) => process.exit(code) });
  try {
    await program.parseAsync(argv);
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // A run whose paths lead to no case is a usage error too (exit 2).
    if (e instanceof UsageError || e instanceof DiscoveryError) {
      for (const line of e.message.split('\n')) io.stderr(`segloss: ${line}\n`);
      if (debug && e.stack) io.stderr(`${e.stack}\n`);
      return 2;
    }
    io.stderr(`segloss: ${debug && e instanceof Error && e.stack ? e.stack : e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    return 2;
  } finally {
    removeHandlers();
  }
}
