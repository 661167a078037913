import { readFileSync } from 'node:fs';
const r = JSON.parse(readFileSync('/tmp/i16-demo.json', 'utf8'));
const cases = [];
for (let k = 0; k < 300; k++) { const c = structuredClone(r.cases[k % 2]); c.id = `img_${k}`; const j = (k * 7919 % 100) / 1000; c.metrics.dice -= j; for (const L of Object.keys(c.labels)) { for (const m of Object.keys(c.labels[L])) if (typeof c.labels[L][m] === 'number') c.labels[L][m] *= 1 - j; c.labels[L].hd95 = 3 + j * 10; c.labels[L].hd = 5 + j; c.labels[L].assd = 1 + j; c.labels[L].nsd = 0.9 - j;} cases.push(c); }
r.cases = cases;
const t0 = performance.now();
const charts = await import('./dist/report/html/charts.js');
await charts.loadCharting();
const t1 = performance.now();
console.log('load', Math.round(t1 - t0));
const { renderHtmlReport } = await import('./dist/report/html/reportPage.js');
const t2 = performance.now();
const html = await renderHtmlReport(r, { worst: 0, now: new Date(), images: null, window: null });
console.log('render', Math.round(performance.now() - t2), html.length);
