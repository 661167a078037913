// The worker pool: every case settles exactly once, in whatever order the workers finish;
// a case whose worker hangs past --case-timeout or dies becomes an error naming its file,
// and the other cases sent to that worker (behind it, or done and not yet answered) are
// evaluated by the next one.
import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/pipeline/pool.js';
import type { CasePair } from '../../src/pipeline/discover.js';
import type { CaseOutcome } from '../../src/pipeline/evaluateOne.js';
import type { RunConfig } from '../../src/pipeline/config.js';

const FAKE = new URL('../helpers/fakeCaseWorker.mjs', import.meta.url);
// The fake worker reads only `tag`, which it puts in every answer: the setup reached it.
const CONFIG = { tag: 'setup' } as unknown as RunConfig;

function pairs(ids: string[]): CasePair[] {
  // Files that do not exist: the pool's size look-up takes them as small cases.
  return ids.map((id) => ({ id, gt: `/nonexistent/gt/${id}.png`, pred: `/nonexistent/pred/${id}.png` }));
}

async function run(ids: string[], workers: number, caseTimeout = 0, config = CONFIG): Promise<Map<number, CaseOutcome[]>> {
  const got = new Map<number, CaseOutcome[]>();
  await runPool(FAKE, pairs(ids), config, {
    workers, debug: false, caseTimeout, split: 'no',
    onDone: (i, o) => got.set(i, [...(got.get(i) ?? []), o]),
  });
  return got;
}

describe('runPool', () => {
  const ids = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `slow-${i}` : `case-${i}`));
  for (const workers of [1, 2, 3]) {
    it(`${workers} worker(s): each of 40 cases settles once, with its own answer and the run's setup`, async () => {
      const got = await run(ids, workers);
      expect([...got.keys()].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));
      for (const [i, outcomes] of got) {
        expect(outcomes).toHaveLength(1);
        expect(outcomes[0].result.id).toBe(ids[i]);
        expect(outcomes[0].result.error).toBe(`setup:/nonexistent/gt/${ids[i]}.png`);
      }
    });
  }

  it('a case past --case-timeout is an error naming its file; the cases behind it still run', async () => {
    const list = ['case-0', 'hang-1', 'case-2', 'case-3', 'hang-4', 'case-5', 'case-6'];
    for (const workers of [1, 2]) {
      const got = await run(list, workers, 0.3);
      expect(got.size).toBe(list.length);
      list.forEach((id, i) => {
        const outcomes = got.get(i)!;
        expect(outcomes, id).toHaveLength(1);
        if (id.startsWith('hang-')) expect(outcomes[0].result.error).toBe(`/nonexistent/pred/${id}.png: gave up after 0.3 s (--case-timeout)`);
        else expect(outcomes[0].result.error).toBe(`setup:/nonexistent/gt/${id}.png`);
      });
    }
  });

  it('a case that comes back over --case-timeout is an error too', async () => {
    // slow-* takes 50 ms: over a 20 ms limit whether the watch or its answer sees it first.
    const list = ['case-0', 'slow-1', 'case-2'];
    const got = await run(list, 1, 0.02);
    expect(got.get(1)).toEqual([{ result: expect.objectContaining({ status: 'error', error: '/nonexistent/pred/slow-1.png: gave up after 0.02 s (--case-timeout)' }) }]);
    expect(got.get(2)![0].result.error).toBe('setup:/nonexistent/gt/case-2.png');
  });

  const deaths: Array<[string, string[]]> = [
    ['a worker that dies costs only the case it was on', ['case-0', 'crash-1', 'case-2', 'crash-3', 'case-4', 'case-5']],
    // One worker answers in batches of ANSWER_BATCH (8): case-0..7 are sent back, case-8 and
    // case-9 are done and held when crash-10 ends it.
    ['… and not the answers it held back', [...Array.from({ length: 10 }, (_, i) => `case-${i}`), 'crash-10', 'case-11']],
  ];
  for (const [name, list] of deaths) {
    it(name, async () => {
      const got = await run(list, 1);
      expect(got.size).toBe(list.length);
      list.forEach((id, i) => {
        const outcomes = got.get(i)!;
        expect(outcomes, id).toHaveLength(1);
        if (id.startsWith('crash-')) expect(outcomes[0].result.error).toBe(`/nonexistent/pred/${id}.png: evaluation stopped (worker exit 7, out of memory?)`);
        else expect(outcomes[0].result.error).toBe(`setup:/nonexistent/gt/${id}.png`);
      });
    });
  }

  it('workers that cannot start cost one case each, and the run still ends', async () => {
    const list = ['case-0', 'case-1', 'case-2'];
    const got = await run(list, 2, 0, { tag: 'no-start' } as unknown as RunConfig);
    expect(got.size).toBe(list.length);
    list.forEach((id, i) => {
      expect(got.get(i)!.map((o) => o.result.error)).toEqual([`/nonexistent/pred/${id}.png: evaluation stopped (worker exit 3, out of memory?)`]);
    });
  });
});
