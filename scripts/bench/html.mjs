// Bench row HTML: what `--out report.html` adds to `segloss eval --metrics all` on W5's
// 300 PNG pairs (512×512): the same run with and without the page, alternated twice, the
// faster of each kept (the 2-core box is noisy). The page's cost is the charting library's
// import, one box plot per label and quantity with 300 points each, 8 thumbnails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './workloads.mjs';

export async function htmlBench({ work, bin, quick, log }) {
  const root = join(work, 'html');
  mkdirSync(root, { recursive: true });
  const { W5 } = await generate(root, ['W5'], quick, log);
  // The PNG pairs only (W5 also has 20 small volumes).
  const gt = join(root, 'png-gt');
  const pred = join(root, 'png-pred');
  mkdirSync(gt);
  mkdirSync(pred);
  const ids = readdirSync(W5.gt).filter((f) => f.endsWith('.png'));
  for (const f of ids) {
    symlinkSync(join(W5.gt, f), join(gt, f));
    symlinkSync(join(W5.pred, f), join(pred, f));
  }
  const page = join(root, 'report.html');
  const cpuFile = join(root, 'cpu.txt');
  const haveTime = existsSync('/usr/bin/time');
  // Wall seconds, and CPU seconds (user + system, all threads) where /usr/bin/time exists:
  // on a shared machine the CPU time says more about what the page itself costs.
  const once = (withHtml) => {
    const argv = [bin, 'eval', '--pred', pred, '--gt', gt, '--metrics', 'all', '--format', 'json', '--quiet', ...(withHtml ? ['--out', page] : [])];
    log(`HTML: segloss eval --metrics all${withHtml ? ' --out report.html' : ''} on ${ids.length} PNG pairs`);
    const t0 = performance.now();
    const r = haveTime
      ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, process.execPath, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 })
      : spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = haveTime ? readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number).reduce((a, b) => a + b, 0) : Number.NaN;
    return r.status === 0 ? { seconds, cpu } : { seconds: Number.NaN, cpu: Number.NaN };
  };
  const plain = [];
  const html = [];
  for (let k = 0; k < 2; k++) {
    plain.push(once(false));
    html.push(once(true));
  }
  const best = (xs, key) => Math.min(...xs.map((x) => x[key]));
  const failed = [...plain, ...html].some((x) => Number.isNaN(x.seconds));
  return {
    cases: ids.length,
    voxels: W5.voxels * (ids.length / W5.cases),
    plain: best(plain, 'seconds'),
    html: best(html, 'seconds'),
    added: best(html, 'seconds') - best(plain, 'seconds'),
    addedCpu: haveTime ? best(html, 'cpu') - best(plain, 'cpu') : null,
    pageBytes: failed ? null : statSync(page).size,
    problem: failed ? 'a run failed' : null,
  };
}
