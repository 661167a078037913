// Every golden suite (fixtures/golden/SUITES.json, reference values computed independently
// in float64 from the spec) through the built CLI, compared value by value with the
// tolerance of fixtures/golden/README.md.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.js';

const GOLDEN = join(ROOT, 'fixtures', 'golden');
const suites = JSON.parse(readFileSync(join(GOLDEN, 'SUITES.json'), 'utf8'));
const { abs: ABS, rel: REL } = suites.tolerance as { abs: number; rel: number };

type Json = null | number | string | boolean | Json[] | { [k: string]: Json };

/** Mismatches between an expected value and the report's, as "path: expected … got …" lines. */
function compareValues(expected: Json, got: Json | undefined, path: string, out: string[]): void {
  if (got === undefined) {
    out.push(`${path}: missing (expected ${JSON.stringify(expected)})`);
    return;
  }
  if (expected === null || got === null) {
    if (expected !== got) out.push(`${path}: expected ${JSON.stringify(expected)} got ${JSON.stringify(got)}`);
    return;
  }
  if (typeof expected === 'number') {
    if (typeof got !== 'number' || !(Math.abs(expected - got) <= Math.max(ABS, REL * Math.abs(expected)))) {
      out.push(`${path}: expected ${expected} got ${JSON.stringify(got)}`);
    }
    return;
  }
  if (typeof expected === 'string' || typeof expected === 'boolean') {
    if (expected !== got) out.push(`${path}: expected ${JSON.stringify(expected)} got ${JSON.stringify(got)}`);
    return;
  }
  if (typeof got !== 'object' || Array.isArray(expected) !== Array.isArray(got)) {
    out.push(`${path}: expected ${JSON.stringify(expected)} got ${JSON.stringify(got)}`);
    return;
  }
  for (const [k, v] of Object.entries(expected)) compareValues(v, (got as Record<string, Json>)[k], `${path}.${k}`, out);
}

const CASE_FIELDS = ['status', 'input', 'metrics', 'losses', 'reliability'];

for (const suite of suites.suites as { name: string; dir: string; flags: string[]; expected: string; stats_check?: string[] }[]) {
  // Suites with a statistics check (--ci) run in test/stats/golden.test.ts.
  if (suite.stats_check) continue;
  describe(`golden suite ${suite.name}`, () => {
    const expected = JSON.parse(readFileSync(join(GOLDEN, suite.expected), 'utf8'));
    let report: any;
    const getReport = () => {
      if (!report) {
        const r = runCli(['eval', '--pred', join(GOLDEN, suite.dir, 'pred'), '--gt', join(GOLDEN, suite.dir, 'gt'), ...suite.flags, '--format', 'json']);
        if (r.status !== 0 && r.status !== 1) throw new Error(`segloss exited ${r.status}: ${r.stderr}`);
        expect(r.stderr).not.toMatch(/^\s+at /m); // never a stack trace
        report = JSON.parse(r.stdout);
      }
      return report;
    };

    for (const exp of expected.cases as any[]) {
      it(`case ${exp.id} matches the reference (${exp.status})`, () => {
        const got = getReport().cases.find((c: any) => c.id === exp.id);
        expect(got, `case ${exp.id} is in the report`).toBeDefined();
        const out: string[] = [];
        for (const f of CASE_FIELDS) if (f in exp) compareValues(exp[f], got[f], f, out);
        if (exp.labels) {
          for (const [label, lv] of Object.entries(exp.labels as Record<string, any>)) {
            compareValues(lv, got.labels?.[label], `labels.${label}`, out);
          }
        }
        // Lesion suites: every per-lesion entry, same length and order (README, lesions_*).
        if (exp.lesions) {
          for (const [label, list] of Object.entries(exp.lesions as Record<string, any[]>)) {
            const gotList = got.lesions?.[label];
            if (!Array.isArray(gotList) || gotList.length !== list.length) {
              out.push(`lesions.${label}: expected ${list.length} entries got ${JSON.stringify(gotList)}`);
            } else list.forEach((e, i) => compareValues(e, gotList[i], `lesions.${label}[${i}]`, out));
          }
        }
        expect(out).toEqual([]);
      });
    }

    it('lists every case exactly once, in id order', () => {
      const ids = getReport().cases.map((c: any) => c.id);
      expect(ids).toEqual((expected.cases as any[]).map((c) => c.id).sort());
    });

    it('summary matches the reference', () => {
      const out: string[] = [];
      const s = expected.summary;
      for (const k of ['cases', 'ok', 'missing', 'errors']) compareValues(s[k], getReport().summary[k], `summary.${k}`, out);
      if (s.lesions) compareValues(s.lesions, getReport().summary.lesions, 'summary.lesions', out);
      for (const k of ['metrics', 'losses', 'labels']) compareValues(s[k], getReport().summary[k], `summary.${k}`, out);
      // Reliability tables (metrics-extra suites): counts equal (integers), means within the tolerance.
      if ('reliability' in s) compareValues(s.reliability, getReport().summary.reliability, 'summary.reliability', out);
      expect(out).toEqual([]);
    });
  });
}
