// Runs the vitest suite and ends with the plain closing line CI reads:
// "N passed, M failed" (vitest's own summary is not a line CI recognises).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const out = '.vitest.json';
rmSync(out, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit' });
if (!existsSync(out)) {
  console.log('0 passed, 1 failed');
  process.exit(r.status || 1);
}
const j = JSON.parse(readFileSync(out, 'utf8'));
// A suite that failed to load counts as a failure even though it ran no test.
const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
const failed = j.numFailedTests + brokenFiles;
console.log(`${j.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || r.status ? 1 : 0);
