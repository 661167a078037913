// --case-timeout: a case that overruns becomes an error entry naming its file; the run goes on.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';

const DEMO = join(ROOT, 'fixtures', 'demo');

describe('--case-timeout', () => {
  it('turns every overrunning case into an error naming its file, exit 1, no stack trace', () => {
    const r = runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--case-timeout', '0.001', '--format', 'json', '--workers', '1']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.cases.map((c: any) => c.id)).toEqual(['case_a', 'case_b', 'case_c']);
    for (const c of report.cases) {
      expect(c.status).toBe('error');
      expect(c.error).toMatch(new RegExp(`${c.id}\\.[a-z.]+: gave up after 0\\.001 s`));
    }
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
  it('changes nothing when the cases finish in time', () => {
    const withLimit = runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--case-timeout', '120', '--format', 'csv', '--workers', '1']);
    const without = runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--format', 'csv', '--workers', '1']);
    expect(withLimit.status).toBe(0);
    expect(withLimit.stdout).toBe(without.stdout);
  });
  it('is a usage error when not a positive number', () => {
    const r = runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--case-timeout', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
