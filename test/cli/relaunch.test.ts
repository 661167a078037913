// `segloss eval` on Linux with glibc: the run happens in a child process with malloc tuned
// (src/cli/relaunch.ts); the user sees one process — same output, exit status and signals.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALLOC_TUNING, onGlibc, shouldRelaunch } from '../../src/cli/relaunch.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { gatesFixture, slowFixture, workspace, type Workspace } from '../helpers/cliFixtures.js';

describe('shouldRelaunch', () => {
  const yes = () => true;
  it.each([
    ['eval on Linux with glibc', ['eval', '--pred', 'p'], {}, 'linux', yes, true],
    ['another command', ['inspect', 'x.nii'], {}, 'linux', yes, false],
    ['no command', [], {}, 'linux', yes, false],
    ['macOS', ['eval'], {}, 'darwin', yes, false],
    ['no glibc (musl)', ['eval'], {}, 'linux', () => false, false],
    ["the user's GLIBC_TUNABLES (even empty) wins", ['eval'], { GLIBC_TUNABLES: '' }, 'linux', yes, false],
    ['SEGLOSS_RELAUNCH=0', ['eval'], { SEGLOSS_RELAUNCH: '0' }, 'linux', yes, false],
  ] as const)('%s', (_name, args, env, platform, glibc, want) => {
    expect(shouldRelaunch(args, env, platform as NodeJS.Platform, glibc)).toBe(want);
  });
});

// The rest needs the platform the relaunch is for.
const here = process.platform === 'linux' && onGlibc();

let ws: Workspace;
let slow: Workspace;
beforeAll(() => {
  ws = workspace();
  gatesFixture(ws);
  slow = workspace();
  slowFixture(slow, 60);
});
afterAll(() => {
  ws.cleanup();
  slow.cleanup();
});

/** Runs the CLI with a preloaded module (passed on to the child like any Node option) that records each process's GLIBC_TUNABLES. */
function recordTunables(args: string[], env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-relaunch-'));
  const hook = join(dir, 'hook.mjs');
  const log = join(dir, 'log');
  // Main threads only: Node options reach worker threads too.
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';\nimport { isMainThread } from 'node:worker_threads';\n` +
      `if (isMainThread) appendFileSync(${JSON.stringify(log)}, (process.env.GLIBC_TUNABLES ?? 'unset') + '\\n');\n`,
  );
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', hook, BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8' });
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  rmSync(dir, { recursive: true, force: true });
  return { r, lines };
}

describe.runIf(here)('the built CLI on Linux with glibc', () => {
  const args = () => ['eval', '--pred', ws.pred, '--gt', ws.gt, '--format', 'csv', '--gate', 'metrics.dice.min >= 0.9'];

  it('evaluates in one child with MALLOC_TUNING and Node options passed on; output and exit status (1: a gate failed) as without it', () => {
    const env = { GLIBC_TUNABLES: undefined, SEGLOSS_RELAUNCH: undefined };
    const tuned = recordTunables(args(), env);
    expect(tuned.lines).toEqual(['unset', MALLOC_TUNING]);
    const plain = recordTunables(args(), { ...env, SEGLOSS_RELAUNCH: '0' });
    expect(plain.lines).toEqual(['unset']);
    expect(tuned.r.status).toBe(1);
    expect(plain.r.status).toBe(1);
    expect(tuned.r.stdout).toBe(plain.r.stdout);
    expect(tuned.r.stderr).toBe(plain.r.stderr);
  });

  it("keeps the user's GLIBC_TUNABLES and runs in this process", () => {
    expect(recordTunables(args(), { GLIBC_TUNABLES: 'glibc.malloc.check=0' }).lines).toEqual(['glibc.malloc.check=0']);
  });

  it('a usage error is exit 2, as without it', () => {
    const r = recordTunables(['eval', '--pred', ws.pred], {}).r;
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^segloss: /);
  });

  it('Ctrl-C at a terminal (SIGINT to the foreground process group) ends the run once: exit 130, one line, no file written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'segloss-relaunch-int-'));
    try {
      // The CLI in a process group of its own, signalled as a group, as a terminal does.
      const child = spawn(process.execPath, [BIN, 'eval', '--workers', '1', '--pred', slow.pred, '--gt', slow.gt, '--out', join(out, 'r.json')], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', GLIBC_TUNABLES: undefined, SEGLOSS_RELAUNCH: undefined },
        detached: true,
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 1500);
      const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      clearTimeout(timer);
      expect(status).toBe(130);
      expect(stderr).toBe('segloss: interrupted by SIGINT\n');
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
