// Where reports go: --out files (format from the extension, atomic), a failing --out
// path, the GitHub job summary, colour only on a terminal, progress only on a terminal.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { GATES_DICE, gatesFixture, slowFixture, workspace, type Workspace } from '../helpers/cliFixtures.js';

const lines = (s: string) => s.split('\n').filter((l) => l !== '');
const ESC = '\x1b[';

let ws: Workspace;
let base: string[];
beforeAll(() => {
  ws = workspace();
  gatesFixture(ws);
  base = ['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt];
});
afterAll(() => ws.cleanup());

describe('--out', () => {
  it('writes every file in the format of its extension and leaves no temp file', () => {
    const dir = ws.path('reports');
    mkdirSync(dir);
    const r = runCli([...base, '--out', `${dir}/r.json`, '--out', `${dir}/r.csv`, '--out', `${dir}/r.md`, '--gate', 'metrics.dice.mean>=0.8']);
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['r.csv', 'r.json', 'r.md']);
    const json = JSON.parse(readFileSync(`${dir}/r.json`, 'utf8'));
    expect(json.schema).toBe('segloss-report/1');
    expect(json.summary.metrics.dice.mean).toBeCloseTo(GATES_DICE.mean, 12);
    const csv = readFileSync(`${dir}/r.csv`, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^id,label,status,dice,iou,/);
    expect(csv.filter((l) => /^[abc],all,ok,/.test(l))).toHaveLength(3);
    const md = readFileSync(`${dir}/r.md`, 'utf8');
    expect(md).toMatch(/^# segloss report\n/);
    expect(md).toContain('✅ metrics.dice.mean\\>=0.8 (value ');
  });

  it('a folder that does not exist: one line, exit 2, before anything is evaluated', () => {
    const r = runCli([...base, '--out', ws.path('no-such-dir', 'r.json')]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([`segloss: --out ${ws.path('no-such-dir', 'r.json')}: folder ${ws.path('no-such-dir')} does not exist`]);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['an unknown extension', 'r.log', /the extension must be \.json, \.csv, \.md, \.html or \.txt \(table\), or give the format first/],
    ['a folder as target', 'isdir.json', /isdir\.json is a folder$/m],
  ])('usage error for %s', (_what, name, reason) => {
    mkdirSync(ws.path('isdir.json'), { recursive: true });
    const r = runCli([...base, '--out', ws.path(name)]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
  });

  it('the same file twice is a usage error', () => {
    const r = runCli([...base, '--out', ws.path('twice.json'), '--out', ws.path('.', 'twice.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/given twice/);
  });

  // Not writable: a read-only folder, or (as root, who may write anywhere else) /sys.
  const asRoot = process.getuid?.() === 0;
  it.skipIf(asRoot && !existsSync('/sys'))('a folder that cannot be written: one line, exit 2, an existing file untouched', () => {
    const dir = asRoot ? '/sys' : ws.path('readonly');
    if (!asRoot) {
      mkdirSync(dir);
      writeFileSync(`${dir}/r.json`, 'old');
      chmodSync(dir, 0o555);
    }
    try {
      const r = runCli([...base, '--out', `${dir}/r.json`]);
      expect(r.status).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^segloss: cannot write --out ${dir}/r\\.json: (permission denied|read-only file system)$`, 'm'));
      if (!asRoot) expect(readFileSync(`${dir}/r.json`, 'utf8')).toBe('old');
      else expect(existsSync(`${dir}/r.json`)).toBe(false);
    } finally {
      if (!asRoot) chmodSync(dir, 0o755);
    }
  });
});

describe('--github', () => {
  it('appends the Markdown report to $GITHUB_STEP_SUMMARY, keeping what is there', () => {
    const summary = ws.write('step-summary.md', '# earlier step\n');
    const env = { GITHUB_STEP_SUMMARY: summary };
    const r1 = runCli([...base, '--github', '--gate', 'metrics.dice.mean>=0.8'], { env });
    expect(r1.status).toBe(0);
    const r2 = runCli([...base, '--github', '--gate', 'metrics.dice.mean>=0.9'], { env });
    expect(r2.status).toBe(1);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n# segloss report\n')).toBe(true);
    expect(text.match(/^# segloss report$/gm)).toHaveLength(2);
    expect(text).toContain('**✅ passed**');
    expect(text).toContain('**❌ failed**');
    expect(text).toContain('❌ metrics.dice.mean\\>=0.9 (value ');
    // stdout is still the table.
    expect(r1.stdout).toMatch(/^┌/);
  });

  it('without --github the summary file is left alone; without the variable, a note', () => {
    const summary = ws.write('untouched.md', 'x');
    runCli(base, { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(readFileSync(summary, 'utf8')).toBe('x');
    const r = runCli([...base, '--github'], { env: { GITHUB_STEP_SUMMARY: '' } });
    expect(r.status).toBe(0);
    expect(lines(r.stderr)).toEqual(['note: --github: GITHUB_STEP_SUMMARY is not set, no job summary written']);
    expect(runCli([...base, '--github', '--quiet'], { env: { GITHUB_STEP_SUMMARY: '' } }).stderr).toBe('');
  });
});

// `script` runs the CLI on a pseudo-terminal, as an interactive user does.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

function onTerminal(args: string[], env: NodeJS.ProcessEnv): string {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env, timeout: 120_000 });
  return r.stdout;
}

function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
  for (const n of names) delete env[n];
  return env;
}

describe('colour', () => {
  it('never in a pipe, whatever the environment', () => {
    const r = spawnSync(process.execPath, [BIN, ...base, '--gate', 'metrics.dice.mean>=0.9'], { encoding: 'utf8', env: envWithout('NO_COLOR') });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL metrics.dice.mean>=0.9');
    expect(r.stdout).not.toContain(ESC);
    expect(r.stderr).not.toContain(ESC);
  });

  it.skipIf(!hasScript)('on a terminal, unless NO_COLOR is set', () => {
    const coloured = onTerminal([...base, '--gate', 'metrics.dice.mean>=0.9'], envWithout('NO_COLOR'));
    expect(coloured).toContain(`${ESC}31mFAIL${ESC}39m metrics.dice.mean>=0.9`);
    const plain = onTerminal([...base, '--gate', 'metrics.dice.mean>=0.9'], { ...envWithout(), NO_COLOR: '1' });
    expect(plain).toContain('FAIL metrics.dice.mean>=0.9');
    expect(plain).not.toContain(ESC);
  });
});

describe('progress', () => {
  let slow: Workspace;
  beforeAll(() => {
    slow = workspace();
    slowFixture(slow, 24);
  });
  afterAll(() => slow.cleanup());

  it('nothing on stderr when it is not a terminal', () => {
    const r = runCli(['eval', '--workers', '1', '--pred', slow.pred, '--gt', slow.gt, '--format', 'csv']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it.skipIf(!hasScript)('on a terminal, a bar with cases done, cases/s and ETA once the run passes a second; none with --quiet', () => {
    const out = onTerminal(['eval', '--workers', '1', '--pred', slow.pred, '--gt', slow.gt, '--format', 'csv'], envWithout('NO_COLOR'));
    // 24 cases of 96³ take seconds: the bar is drawn, then cleared before the report.
    expect(out).toMatch(/evaluating .* \d+\/24 cases \| [\d.]+ cases\/s \| ETA \d+s/);
    expect(out).toContain(`${ESC}?25h`); // cursor shown again
    expect(out).toMatch(/id,label,status,dice/);
    expect(out.match(/^s\d{3},all,ok,/gm)).toHaveLength(24);
    const quiet = onTerminal(['eval', '--workers', '1', '--quiet', '--pred', slow.pred, '--gt', slow.gt, '--format', 'csv'], envWithout('NO_COLOR'));
    expect(quiet).toMatch(/^id,label,status,dice/m);
    expect(quiet).not.toContain('cases/s');
  });
});
