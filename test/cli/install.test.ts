// The package as users get it: `npm pack` gives a tarball that installs into an empty
// folder (as a devDependency, as the CI example assumes) and whose `segloss` runs there.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { row } from '../helpers/cliFixtures.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
let packed: { filename: string; files: { path: string }[] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'segloss-pack-'));
  // dist/ is built before the tests run; --ignore-scripts keeps pack from compiling again.
  const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  packed = JSON.parse(out)[0];
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack', () => {
  it('packs the CLI and the compiled library, not the sources or tests', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('bin/segloss.js');
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/pipeline/worker.js');
    expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('fixtures/'))).toEqual([]);
  });

  it('installs into an empty folder as a devDependency and evaluates there', () => {
    const app = join(dir, 'app');
    mkdirSync(join(app, 'gt'), { recursive: true });
    mkdirSync(join(app, 'pred'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    // Dependencies come from the npm cache where it has them (npm ci filled it), else the registry.
    const inst = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', join(dir, packed.filename)], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(inst.status, inst.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).devDependencies.segloss).toMatch(/segloss-.*\.tgz$/);
    // 2·1/(2+1) = 2/3.
    writeFileSync(join(app, 'gt', 'a.npy'), row([1, 1, 0, 0]));
    writeFileSync(join(app, 'pred', 'a.npy'), row([1, 0, 0, 0]));
    const version = spawnSync(npm, ['exec', '--no', '--', 'segloss', '--version'], { cwd: app, encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const r = spawnSync(join(app, 'node_modules', '.bin', 'segloss'), ['eval', '--pred', 'pred', '--gt', 'gt', '--format', 'json', '--gate', 'metrics.dice.mean>=0.6'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).cases[0].metrics.dice).toBeCloseTo(2 / 3, 12);
  }, 240_000);
});
