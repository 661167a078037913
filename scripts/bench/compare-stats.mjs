// Bench row S1 (statistics.md): `segloss compare A.json B.json --format json` on two generated
// reports of 1000 cases with 50 directed quantities each (12 labels × dice, iou, hd95, loss
// dice, + case-level dice and dice loss): 50 Wilcoxon tests, Holm, and 50 bootstrap
// intervals of 10 000 resamples of 1000 differences. Target: under 2 s end to end.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Deterministic uniform numbers (mulberry32) so both runs see the same reports. */
function uniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LABELS = 12;

function report(cases, shift, seed) {
  const u = uniform(seed);
  const list = [];
  for (let i = 0; i < cases; i++) {
    const labels = {};
    let diceSum = 0;
    for (let l = 1; l <= LABELS; l++) {
      // dice on a 1/200 lattice (ties, as real small-structure Dice has), B shifted up a little
      const dice = Math.min(1, Math.max(0, Math.round((0.8 + shift + (u() - 0.5) * 0.3) * 200) / 200));
      diceSum += dice;
      labels[String(l)] = { dice, iou: dice / (2 - dice), hd95: (1 - dice) * 20 + u(), losses: { dice: 1 - dice } };
    }
    const dice = diceSum / LABELS;
    list.push({
      id: `case_${String(i).padStart(4, '0')}`, pred: null, gt: 'gt', status: 'ok', error: null, input: 'labels', shape: [1], spacing: [1], warnings: [],
      metrics: { dice }, losses: { dice: 1 - dice }, labels,
    });
  }
  return {
    schema: 'segloss-report/1', tool: { name: 'segloss', version: 'bench' }, config: {}, cases: list,
    summary: { cases, ok: cases, missing: 0, errors: 0, metrics: {}, losses: {}, labels: {} }, gates: [], passed: true,
  };
}

/** Writes the two reports; returns the compare command line (arguments after the CLI). */
export function generateCompareStats(dir, quick) {
  const cases = quick ? 200 : 1000;
  const a = join(dir, 'S1_A.json');
  const b = join(dir, 'S1_B.json');
  writeFileSync(a, JSON.stringify(report(cases, 0, 1)));
  writeFileSync(b, JSON.stringify(report(cases, 0.004, 2)));
  return { cases, quantities: LABELS * 4 + 2, args: ['compare', a, b, '--format', 'json'] };
}
