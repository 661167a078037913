// `--convention NAME` and the switches of spec/conventions.md, from option strings.
import { CONVENTION_NAMES, CONVENTIONS, withConvention, type ConventionName } from '../conventions.js';
import { DEFAULT_SWITCHES, parseEmptyPolicy, type Switches } from '../losses/switches.js';
import { UsageError } from './usageError.js';

const NAMES: readonly ConventionName[] = ['segloss', ...CONVENTION_NAMES];

/** The options with the convention's bundle under the explicit ones, and the convention (null = segloss). */
export function applyConvention(o: Record<string, unknown>): { options: Record<string, unknown>; convention: ConventionName | null } {
  const raw = o.convention;
  if (raw === undefined || raw === null) return { options: withConvention(o, 'segloss'), convention: null };
  const name = String(raw).trim().toLowerCase() as ConventionName;
  if (!NAMES.includes(name)) throw new UsageError(`--convention must be one of ${NAMES.join('|')}, got "${String(raw)}"`);
  return { options: withConvention(o, name), convention: name === 'segloss' ? null : name };
}

function pick<T extends string>(name: string, v: unknown, options: readonly T[], dflt: T): T {
  if (v === undefined || v === null) return dflt;
  const s = String(v);
  if (!(options as readonly string[]).includes(s)) throw new UsageError(`${name} must be one of ${options.join('|')}, got "${s}"`);
  return s as T;
}

/** A per-metric list names only what it changes: the others keep the convention's (or the default) value. */
function policy(name: string, v: unknown, dflt: Switches['surfaceEmptyOne'], fromConvention: unknown): Switches['surfaceEmptyOne'] {
  const base = typeof fromConvention === 'string' ? parseEmptyPolicy(fromConvention) : dflt;
  const start = typeof base === 'string' ? dflt : base;
  if (v === undefined || v === null) return start;
  const p = parseEmptyPolicy(String(v), start);
  if (typeof p === 'string') throw new UsageError(`${name}: ${p}`);
  return p;
}

/** Every switch from the (convention-merged) options; absent ones keep segloss's default. */
export function parseSwitches(o: Record<string, unknown>, convention: ConventionName | null = null): Switches {
  const d = DEFAULT_SWITCHES;
  const bundle = CONVENTIONS[convention ?? 'segloss'];
  return {
    emptyIou: pick('--empty-iou', o.emptyIou, ['same', 'nan'] as const, d.emptyIou),
    emptyGt: pick('--empty-gt', o.emptyGt, ['zero', 'nan'] as const, d.emptyGt),
    surfaceEmptyOne: policy('--surface-empty-one', o.surfaceEmptyOne, d.surfaceEmptyOne, bundle.surfaceEmptyOne),
    surfaceEmptyPair: policy('--surface-empty-pair', o.surfaceEmptyPair, d.surfaceEmptyPair, bundle.surfaceEmptyPair),
    assd: pick('--assd', o.assd, ['pooled', 'mean'] as const, d.assd),
    nsd: pick('--nsd', o.nsd, ['pooled', 'mean'] as const, d.nsd),
    surface: pick('--surface', o.surface, ['voxels', 'surfels'] as const, d.surface),
    focalMulticlass: pick('--focal-multiclass', o.focalMulticlass, ['binary', 'categorical'] as const, d.focalMulticlass),
    absentClassLoss: pick('--absent-class-loss', o.absentClassLoss, ['keep', 'zero'] as const, d.absentClassLoss),
    lovaszClasses: pick('--lovasz-classes', o.lovaszClasses, ['present', 'all'] as const, d.lovaszClasses),
    nsdToleranceRule: o.nsdTolerance === 'min-spacing' ? 'min-spacing' : 'fixed',
    backgroundIfMultichannel: o.includeBackground === 'multichannel',
  };
}
