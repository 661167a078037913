// A gate path that does not resolve often names a value that does exist elsewhere: a
// per-label metric asked for at case level, or a metric not computed with these options.
// The hint points to the path that exists.
import { METRIC_KEYS, SURFACE_METRICS } from '../losses/params.js';

export function gatePathHint(segments: string[], computed: string[], labels: number[] | null): string {
  const [group, name, ...rest] = segments;
  if (group !== 'metrics' || name === undefined) return '';
  if (!(METRIC_KEYS as readonly string[]).includes(name)) return '';
  const notComputed = !computed.includes(name);
  const surface = (SURFACE_METRICS as readonly string[]).includes(name);
  if (notComputed) return `; ${name} is not computed: add --metrics all (or list ${name} in --metrics)`;
  if (surface) return '';
  const label = labels?.[0] ?? 1;
  return `; ${name} is per label: labels.${label}.${[name, ...rest].join('.')}`;
}
