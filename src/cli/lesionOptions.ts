// --lesions and its companions (spec/lesions.md) from option strings; bad values are
// usage errors naming the option.
import { resolveLesionOptions, type LesionMode, type LesionOptions, type LesionOverrides } from '../lesions/options.js';
import { UsageError } from './usageError.js';

const MODES: readonly LesionMode[] = ['iou', 'overlap', 'brats2023'];

function number(name: string, v: unknown, ok: (x: number) => boolean, want: string): number {
  const s = String(v).trim();
  const x = Number(s);
  if (s === '' || !Number.isFinite(x) || !ok(x)) throw new UsageError(`${name} must be ${want}, got "${String(v)}"`);
  return x;
}

/** Options that only make sense with --lesions. */
const COMPANIONS: [key: string, flag: string][] = [
  ['connectivity', '--connectivity'],
  ['lesionIou', '--lesion-iou'],
  ['lesionDilation', '--lesion-dilation'],
  ['lesionVolumeThreshold', '--lesion-volume-threshold'],
  ['lesionSmall', '--lesion-small'],
  ['lesionHd95Penalty', '--lesion-hd95-penalty'],
  ['lesionCsv', '--lesion-csv'],
];

/** null when --lesions is not given (a companion option without it is a usage error). */
export function parseLesionOptions(o: Record<string, unknown>): LesionOptions | null {
  if (o.lesions === undefined || o.lesions === false) {
    const stray = COMPANIONS.find(([k]) => o[k] !== undefined);
    if (stray) throw new UsageError(`${stray[1]} needs --lesions`);
    return null;
  }
  const mode = o.lesions === true ? 'iou' : String(o.lesions);
  if (!(MODES as readonly string[]).includes(mode)) throw new UsageError(`--lesions must be one of ${MODES.join('|')} (or no value: iou), got "${mode}"`);
  const given: LesionOverrides = {};
  if (o.connectivity !== undefined) {
    const c = String(o.connectivity);
    if (c !== 'full' && c !== 'face') throw new UsageError(`--connectivity must be full|face, got "${c}"`);
    given.connectivity = c;
  }
  if (o.lesionIou !== undefined) given.iou = number('--lesion-iou', o.lesionIou, (x) => x >= 0 && x < 1, 'within [0, 1)');
  if (o.lesionDilation !== undefined) given.dilation = number('--lesion-dilation', o.lesionDilation, (x) => Number.isInteger(x) && x >= 0 && x <= 100, 'an integer from 0 to 100');
  if (o.lesionVolumeThreshold !== undefined) {
    given.volumeThreshold = number('--lesion-volume-threshold', o.lesionVolumeThreshold, (x) => x >= 0, 'a volume ≥ 0 (mm³; mm² in 2D)');
  }
  if (o.lesionSmall !== undefined) {
    const s = String(o.lesionSmall);
    if (s !== 'both' && s !== 'gt') throw new UsageError(`--lesion-small must be both|gt, got "${s}"`);
    given.small = s;
  }
  if (o.lesionHd95Penalty !== undefined) {
    const s = String(o.lesionHd95Penalty).trim();
    given.hd95Penalty = s === 'diagonal' ? 'diagonal' : number('--lesion-hd95-penalty', s, (x) => x >= 0, 'a distance ≥ 0 in mm, or diagonal');
  }
  return resolveLesionOptions(mode as LesionMode, given);
}
