// The smallest document Observable Plot can draw a static chart into: elements that keep
// their attributes and children and print themselves as markup. Plot (through
// d3-selection) only creates elements, sets attributes, styles and text, and appends; it
// never queries layout or listens to events when it renders without a browser. A general
// DOM (linkedom) spends most of a 300-point chart on its per-node bookkeeping (event
// target maps, attribute nodes, linked-list end markers), which this one does not keep.
// Anything Plot asks that is not here fails loudly (a TypeError), never silently.

const XHTML = 'http://www.w3.org/1999/xhtml';
const SVG = 'http://www.w3.org/2000/svg';

const escapeText = (s: string): string => s.replace(/[&<>\u00a0]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#160;'));
const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;');

type Child = LiteElement | LiteText;

class LiteText {
  parentNode: LiteElement | null = null;
  readonly nodeType = 3;
  constructor(
    readonly ownerDocument: LiteDocument,
    public data: string,
  ) {}
  get textContent(): string {
    return this.data;
  }
  set textContent(v: string) {
    this.data = String(v);
  }
  get nodeValue(): string {
    return this.data;
  }
  toString(): string {
    return escapeText(this.data);
  }
  writeTo(out: string[]): void {
    out.push(escapeText(this.data));
  }
}

/** Inline style as d3's `selection.style` and Plot's `Object.assign(el.style, …)` use it. */
class LiteStyle {
  [name: string]: unknown;
  setProperty(name: string, value: unknown, priority?: string): void {
    (this as Record<string, unknown>)[name] = `${String(value)}${priority ? ` !${priority}` : ''}`;
  }
  removeProperty(name: string): void {
    delete (this as Record<string, unknown>)[name];
  }
  getPropertyValue(name: string): string {
    const v = (this as Record<string, unknown>)[name];
    return v === undefined ? '' : String(v);
  }
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function styleText(style: LiteStyle): string {
  return Object.entries(style)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${kebab(k)}: ${String(v)};`)
    .join(' ');
}

export class LiteElement {
  readonly nodeType = 1;
  parentNode: LiteElement | null = null;
  readonly childNodes: Child[] = [];
  private readonly attrs = new Map<string, string>();
  private styleObject: LiteStyle | null = null;
  private styleString: string | null = null;
  /** d3's bound datum and Plot's exposed extras land here as plain properties. */
  [extra: string]: unknown;

  constructor(
    readonly ownerDocument: LiteDocument,
    readonly namespaceURI: string,
    readonly localName: string,
  ) {}

  get tagName(): string {
    return this.namespaceURI === XHTML ? this.localName.toUpperCase() : this.localName;
  }
  get nodeName(): string {
    return this.tagName;
  }
  get children(): LiteElement[] {
    return this.childNodes.filter((c): c is LiteElement => c instanceof LiteElement);
  }
  get firstChild(): Child | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): Child | null {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get nextSibling(): Child | null {
    const p = this.parentNode;
    return p ? (p.childNodes[p.childNodes.indexOf(this) + 1] ?? null) : null;
  }

  setAttribute(name: string, value: unknown): void {
    this.attrs.set(name, String(value));
  }
  setAttributeNS(_ns: string | null, name: string, value: unknown): void {
    this.attrs.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attrs.get(name) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attrs.has(name);
  }
  removeAttribute(name: string): void {
    this.attrs.delete(name);
  }
  removeAttributeNS(_ns: string | null, name: string): void {
    this.attrs.delete(name);
  }

  get className(): string {
    return this.attrs.get('class') ?? '';
  }
  set className(v: string) {
    this.attrs.set('class', String(v));
  }
  get style(): LiteStyle {
    this.styleObject ??= new LiteStyle();
    return this.styleObject;
  }
  set style(v: string) {
    this.styleObject = null;
    this.styleString = String(v);
  }

  get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(v: unknown) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes.length = 0;
    const text = v === null || v === undefined ? '' : String(v);
    if (text !== '') this.appendChild(new LiteText(this.ownerDocument, text));
  }

  appendChild<T extends Child>(node: T): T {
    return this.insertBefore(node, null);
  }
  insertBefore<T extends Child>(node: T, ref: Child | null): T {
    if (node.parentNode) node.parentNode.removeChild(node);
    const at = ref === null ? -1 : this.childNodes.indexOf(ref);
    if (at < 0) this.childNodes.push(node);
    else this.childNodes.splice(at, 0, node);
    node.parentNode = this;
    return node;
  }
  removeChild<T extends Child>(node: T): T {
    const at = this.childNodes.indexOf(node);
    if (at >= 0) this.childNodes.splice(at, 1);
    node.parentNode = null;
    return node;
  }
  remove(): void {
    this.parentNode?.removeChild(this);
  }
  append(...nodes: (Child | string)[]): void {
    for (const n of nodes) this.appendChild(typeof n === 'string' ? new LiteText(this.ownerDocument, n) : n);
  }
  /** d3's `selection.select(…)` / `selectAll(…)` with a selector; Plot's static charts do not use them. */
  querySelector(): null {
    return null;
  }
  querySelectorAll(): LiteElement[] {
    return [];
  }

  get outerHTML(): string {
    return this.toString();
  }
  get innerHTML(): string {
    const out: string[] = [];
    for (const c of this.childNodes) c.writeTo(out);
    return out.join('');
  }
  toString(): string {
    const out: string[] = [];
    this.writeTo(out);
    return out.join('');
  }
  /** Appends this element's markup to `out` (one join at the end, not a string per level). */
  writeTo(out: string[]): void {
    let open = `<${this.localName}`;
    for (const [k, v] of this.attrs) if (k !== 'style') open += ` ${k}="${escapeAttr(v)}"`;
    const style = this.styleObject ? styleText(this.styleObject) : (this.styleString ?? this.attrs.get('style') ?? '');
    if (style) open += ` style="${escapeAttr(style)}"`;
    if (this.childNodes.length === 0 && this.namespaceURI === SVG) {
      out.push(`${open}/>`);
      return;
    }
    out.push(`${open}>`);
    for (const c of this.childNodes) c.writeTo(out);
    out.push(`</${this.localName}>`);
  }
}

export class LiteDocument {
  readonly nodeType = 9;
  readonly documentElement: LiteElement;
  /** Plot reads `document.defaultView` only for interactive charts (pointer events). */
  readonly defaultView = null;
  constructor() {
    this.documentElement = new LiteElement(this, XHTML, 'html');
  }
  createElementNS(ns: string | null, qualifiedName: string): LiteElement {
    const name = qualifiedName.includes(':') ? qualifiedName.slice(qualifiedName.indexOf(':') + 1) : qualifiedName;
    return new LiteElement(this, ns ?? XHTML, name);
  }
  createElement(name: string): LiteElement {
    return new LiteElement(this, XHTML, name.toLowerCase());
  }
  createTextNode(data: unknown): LiteText {
    return new LiteText(this, String(data));
  }
}
