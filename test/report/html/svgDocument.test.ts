// The minimal document the charts are drawn into: what it prints is the markup a browser
// parses, so each expected string below is written out by hand from the calls made.
import * as Plot from '@observablehq/plot';
import { describe, expect, it } from 'vitest';
import { LiteDocument } from '../../../src/report/html/svgDocument.js';

const SVG = 'http://www.w3.org/2000/svg';

describe('the chart document', () => {
  it('prints elements with their attributes in the order set, children in order, and empty SVG elements self-closed', () => {
    const doc = new LiteDocument();
    const svg = doc.createElementNS(SVG, 'svg');
    svg.setAttribute('width', 10);
    const g = svg.appendChild(doc.createElementNS(SVG, 'g'));
    const b = g.appendChild(doc.createElementNS(SVG, 'circle'));
    b.setAttribute('cx', 2);
    const a = doc.createElementNS(SVG, 'circle');
    a.setAttribute('cx', 1);
    g.insertBefore(a, b);
    expect(svg.outerHTML).toBe('<svg width="10"><g><circle cx="1"/><circle cx="2"/></g></svg>');
  });

  it('escapes text and attribute values so a case id cannot break the markup', () => {
    const doc = new LiteDocument();
    const c = doc.createElementNS(SVG, 'circle');
    c.setAttribute('aria-label', 'x "y" & <z>');
    const t = c.appendChild(doc.createElementNS(SVG, 'title'));
    t.textContent = 'a<b & "c"';
    expect(c.outerHTML).toBe('<circle aria-label="x &quot;y&quot; &amp; &lt;z&gt;"><title>a&lt;b &amp; "c"</title></circle>');
  });

  it('prints inline styles set property by property or as one string', () => {
    const doc = new LiteDocument();
    const g = doc.createElementNS(SVG, 'g');
    Object.assign(g.style, { fontVariant: 'tabular-nums' });
    g.style.setProperty('stroke-width', '2');
    expect(g.outerHTML).toBe('<g style="font-variant: tabular-nums; stroke-width: 2;"/>');
    const h = doc.createElementNS(SVG, 'g');
    h.style = 'color: red';
    expect(h.outerHTML).toBe('<g style="color: red"/>');
  });

  it('is enough for Plot to draw a dot chart: one circle with its title per datum', () => {
    const data = [
      { id: 'case-a', v: 0.1 },
      { id: 'case-b', v: 0.5 },
      { id: 'case <c>', v: 0.9 },
    ];
    const svg = Plot.plot({ document: new LiteDocument() as never, width: 200, height: 60, marks: [Plot.dot(data, { x: 'v', title: 'id' })] }) as unknown as { outerHTML: string };
    const html = svg.outerHTML;
    expect(html.startsWith('<svg')).toBe(true);
    expect(html.match(/<circle /g)?.length).toBe(3);
    for (const t of ['case-a', 'case-b', 'case &lt;c&gt;']) expect(html).toContain(`<title>${t}</title>`);
    // The x axis draws tick labels 0.1 … 0.9 (Plot's own ticks), so the axis came through too.
    expect(html).toContain('>0.5</text>');
  });
});
