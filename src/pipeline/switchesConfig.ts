// The convention switches in the report's `config` block (snake_case, as the other keys),
// and back. A report written before the switches existed reads as segloss's defaults.
import { CONVENTION_NAMES } from '../conventions.js';
import { DEFAULT_SWITCHES, formatEmptyPolicy, parseEmptyPolicy, type Switches } from '../losses/switches.js';

export function switchesConfig(convention: string | null, s: Switches): Record<string, unknown> {
  return {
    convention: convention ?? 'segloss',
    empty_iou: s.emptyIou,
    empty_gt: s.emptyGt,
    surface_empty_one: formatEmptyPolicy(s.surfaceEmptyOne),
    surface_empty_pair: formatEmptyPolicy(s.surfaceEmptyPair),
    assd: s.assd,
    nsd: s.nsd,
    surface: s.surface,
    focal_multiclass: s.focalMulticlass,
    absent_class_loss: s.absentClassLoss,
    lovasz_classes: s.lovaszClasses,
    nsd_tolerance_rule: s.nsdToleranceRule,
    include_background_multichannel: s.backgroundIfMultichannel,
  };
}

export function readSwitches(
  block: Record<string, unknown>,
  fail: (key: string, want: string) => never,
): { convention: string | null; switches: Switches } {
  const d = DEFAULT_SWITCHES;
  const oneOf = <T extends string>(key: string, options: readonly T[], dflt: T): T => {
    if (!(key in block)) return dflt;
    const v = block[key];
    return typeof v === 'string' && (options as readonly string[]).includes(v) ? (v as T) : fail(key, options.join('|'));
  };
  const policy = (key: string, dflt: Switches['surfaceEmptyOne']) => {
    if (!(key in block)) return dflt;
    const v = block[key];
    const p = typeof v === 'string' ? parseEmptyPolicy(v) : 'not a string';
    return typeof p === 'string' ? fail(key, 'hd=V,hd95=V,assd=V,nsd=V') : p;
  };
  const flag = (key: string, dflt: boolean): boolean => {
    if (!(key in block)) return dflt;
    const v = block[key];
    return typeof v === 'boolean' ? v : fail(key, 'true or false');
  };
  const name = oneOf('convention', ['segloss', ...CONVENTION_NAMES] as const, 'segloss');
  return {
    convention: name === 'segloss' ? null : name,
    switches: {
      emptyIou: oneOf('empty_iou', ['same', 'nan'] as const, d.emptyIou),
      emptyGt: oneOf('empty_gt', ['zero', 'nan'] as const, d.emptyGt),
      surfaceEmptyOne: policy('surface_empty_one', d.surfaceEmptyOne),
      surfaceEmptyPair: policy('surface_empty_pair', d.surfaceEmptyPair),
      assd: oneOf('assd', ['pooled', 'mean'] as const, d.assd),
      nsd: oneOf('nsd', ['pooled', 'mean'] as const, d.nsd),
      surface: oneOf('surface', ['voxels', 'surfels'] as const, d.surface),
      focalMulticlass: oneOf('focal_multiclass', ['binary', 'categorical'] as const, d.focalMulticlass),
      absentClassLoss: oneOf('absent_class_loss', ['keep', 'zero'] as const, d.absentClassLoss),
      lovaszClasses: oneOf('lovasz_classes', ['present', 'all'] as const, d.lovaszClasses),
      nsdToleranceRule: oneOf('nsd_tolerance_rule', ['fixed', 'min-spacing'] as const, d.nsdToleranceRule),
      backgroundIfMultichannel: flag('include_background_multichannel', d.backgroundIfMultichannel),
    },
  };
}
