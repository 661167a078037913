// Numbers that look right but are not, and messages that never reached the person
// (issue "Trust and friction"): each behaviour checked through the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { row, workspace, type Workspace } from './helpers/cliFixtures.js';

const spaces: Workspace[] = [];
function space(): Workspace {
  const ws = workspace('segloss-trust-');
  spaces.push(ws);
  return ws;
}
afterAll(() => spaces.forEach((ws) => ws.cleanup()));

const evalArgs = (ws: Workspace, ...more: string[]) => ['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, ...more];

describe('--format nnunet gives nnU-Net numbers', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // e: label 2 in neither mask (an empty pair); f: label 2 |gt| 2, |pred| 1, overlap 1 → Dice 2/3, IoU 1/2.
    ws.addCase('e', row([1, 1, 0, 0]), row([1, 1, 0, 0]));
    ws.addCase('f', row([2, 2, 1, 0]), row([2, 0, 1, 0]));
  });

  it('an empty pair is NaN (null) there, whatever --empty says, and is left out of the label mean', () => {
    const r = runCli(evalArgs(ws, '--format', 'nnunet'));
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.metric_per_case[0].metrics['2'].Dice).toBeNull();
    expect(s.metric_per_case[0].metrics['2'].IoU).toBeNull();
    expect(s.metric_per_case[1].metrics['2'].Dice).toBeCloseTo(2 / 3, 12);
    expect(s.mean['2'].Dice).toBeCloseTo(2 / 3, 12);
    expect(s.mean['2'].IoU).toBeCloseTo(1 / 2, 12);
    // segloss's own report keeps --empty one for the same pair.
    const own = JSON.parse(runCli(evalArgs(ws, '--format', 'json')).stdout);
    expect(own.cases[0].labels['2'].dice).toBe(1);
  });
});
