// Finding the cases in the layouts datasets come in, beyond two flat folders of equal
// names: nested folders (one per patient or sequence, --recursive), predictions named
// after a pattern (`{id}_seg`, --pred-pattern / --gt-pattern), or an explicit list of
// pairs (--pairs pairs.csv). Produces the same Discovery as discoverCases.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { caseIdOf } from '../io/formats.js';
import { DiscoveryError } from '../errors.js';
import { discoverCases, pairListings, type CasePair, type Discovery, type Listing } from './discover.js';

export interface LayoutOptions {
  /** Walk sub-folders; the case id is the path below the folder, without the extension. */
  recursive?: boolean;
  /** File-name template of a prediction, `{id}` standing for the case id (e.g. `{id}_seg`). */
  predPattern?: string | null;
  /** The same for ground-truth names (e.g. `{id}_gt`). */
  gtPattern?: string | null;
  /** A CSV of pairs: header with `gt` and `pred` columns (and optionally `id`). */
  pairs?: string | null;
}

export function usesLayout(o: LayoutOptions): boolean {
  return Boolean(o.recursive || o.predPattern || o.gtPattern || o.pairs);
}

const isBackup = (name: string) => name.startsWith('.') || name.endsWith('~') || /\.(bak|orig|swp|tmp)$/i.test(name) || name.startsWith('#');

/** `{id}_seg` → a matcher of file stems returning the id, or null. `*` matches anything. */
export function stemMatcher(option: string, template: string | null | undefined): (stem: string) => string | null {
  if (!template) return (stem) => stem;
  const parts = template.split('{id}');
  if (parts.length !== 2) throw new DiscoveryError(`${option} must contain {id} once, e.g. "{id}_seg", got "${template}"`);
  const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const re = new RegExp(`^${esc(parts[0])}(.+?)${esc(parts[1])}$`);
  return (stem) => re.exec(stem)?.[1] ?? null;
}

function walk(root: string, what: string, recursive: boolean, idOf: (stem: string) => string | null): Listing {
  const files = new Map<string, string[]>();
  let ignored = 0;
  const visit = (dir: string, prefix: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      throw new DiscoveryError(`${what} folder ${dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    for (const name of names) {
      const full = join(dir, name);
      if (isBackup(name)) {
        ignored++;
        continue;
      }
      if (recursive && statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
        visit(full, `${prefix}${name}/`);
        continue;
      }
      const stem = caseIdOf(name);
      const id = stem === null ? null : idOf(stem);
      if (id === null) {
        ignored++;
        continue;
      }
      const key = prefix + id;
      files.set(key, [...(files.get(key) ?? []), full]);
    }
  };
  visit(root, '');
  return { files, ignored };
}

/** RFC 4180 fields of one line (quotes, doubled quotes); enough for a list of paths. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** --pairs FILE: one case per row; paths relative to the CSV's folder. */
export function pairsFromCsv(file: string): Discovery {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DiscoveryError(`--pairs ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new DiscoveryError(`--pairs ${file} is empty; expected a header "gt,pred" (and optionally "id")`);
  const head = csvFields(lines[0]).map((h) => h.toLowerCase());
  const col = (name: string) => head.indexOf(name);
  if (col('gt') < 0 || col('pred') < 0) throw new DiscoveryError(`--pairs ${file}: the header must name the columns gt and pred (and optionally id), got "${lines[0]}"`);
  const base = dirname(file);
  const at = (p: string) => (p === '' ? '' : isAbsolute(p) ? p : resolve(base, p));
  const seen = new Set<string>();
  const cases: CasePair[] = [];
  lines.slice(1).forEach((line, k) => {
    const f = csvFields(line);
    const gt = at(f[col('gt')] ?? '');
    if (!gt) throw new DiscoveryError(`--pairs ${file}: row ${k + 2} has no gt path`);
    const pred = at(f[col('pred')] ?? '') || null;
    const id = (col('id') >= 0 && f[col('id')]) || caseIdOf(basename(gt)) || basename(gt);
    if (seen.has(id)) throw new DiscoveryError(`--pairs ${file}: case id ${id} appears twice (row ${k + 2}); add an id column to tell them apart`);
    seen.add(id);
    cases.push({ id, gt, pred });
  });
  if (cases.length === 0) throw new DiscoveryError(`--pairs ${file} lists no pair`);
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { cases, unmatchedPredictions: [], ignored: { gt: 0, pred: 0 } };
}

/** Cases of two folders under the layout options (or of --pairs). */
export function discoverWithLayout(predPath: string, gtPath: string, o: LayoutOptions): Discovery {
  if (o.pairs) return pairsFromCsv(o.pairs);
  if (!usesLayout(o)) return discoverCases(predPath, gtPath);
  const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (!isDir(gtPath) || !isDir(predPath)) {
    if (o.recursive) throw new DiscoveryError('--recursive needs two folders (--gt and --pred)');
    if (!isDir(gtPath) && !isDir(predPath)) return discoverCases(predPath, gtPath);
    throw new DiscoveryError('--pred-pattern/--gt-pattern need two folders (--gt and --pred)');
  }
  const gts = walk(gtPath, 'ground truth', Boolean(o.recursive), stemMatcher('--gt-pattern', o.gtPattern));
  if (gts.files.size === 0) throw new DiscoveryError(`ground-truth folder ${gtPath} holds no data file${o.gtPattern ? ` named like ${o.gtPattern}` : ''}`);
  const preds = walk(predPath, 'prediction', Boolean(o.recursive), stemMatcher('--pred-pattern', o.predPattern));
  return pairListings(gts, preds);
}
