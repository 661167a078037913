// Finding the cases: every ground-truth file is a case; a prediction matches by id
// (file name without its format extension), whatever its own format.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { caseIdOf } from '../io/formats.js';
import { DiscoveryError } from '../errors.js';

export interface CasePair {
  id: string;
  gt: string;
  /** null: no prediction for this case. */
  pred: string | null;
  /** Set when the pairing itself is wrong (e.g. two predictions share the id). */
  problem?: string;
}

export interface Discovery {
  cases: CasePair[];
  /** Predictions without ground truth. */
  unmatchedPredictions: string[];
  /** Entries passed over: hidden files, editor backups, names without a data extension. */
  ignored: { gt: number; pred: number };
}

function kindOf(path: string, what: string): 'file' | 'dir' {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'ELOOP' ? 'is a symlink loop' : `cannot be read (${code ?? String(e)})`;
    throw new DiscoveryError(`${what} ${path} ${why}`);
  }
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  throw new DiscoveryError(`${what} ${path} is neither a file nor a folder`);
}

const isBackup = (name: string) => name.startsWith('.') || name.endsWith('~') || /\.(bak|orig|swp|tmp)$/i.test(name) || name.startsWith('#');

/** Data files by case id (several when names collide), and how many names were passed over. */
export interface Listing {
  files: Map<string, string[]>;
  ignored: number;
}

function listData(dir: string, what: string): Listing {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new DiscoveryError(`${what} folder ${dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const files = new Map<string, string[]>();
  let ignored = 0;
  for (const name of names.sort()) {
    const id = isBackup(name) ? null : caseIdOf(name);
    if (id === null) {
      ignored++;
      continue;
    }
    // Whatever is named like a data file stays in, even a folder, a FIFO, a dangling link
    // or a symlink loop: its case then says why it cannot be read (the reader checks the
    // kind before opening), instead of the case silently going missing.
    const full = join(dir, name);
    const list = files.get(id) ?? [];
    list.push(full);
    files.set(id, list);
  }
  return { files, ignored };
}

export function discoverCases(predPath: string, gtPath: string): Discovery {
  const gtKind = kindOf(gtPath, 'ground truth');
  const predKind = kindOf(predPath, 'prediction');
  if (gtKind === 'file') {
    const id = caseIdOf(basename(gtPath)) ?? basename(gtPath);
    if (predKind === 'file') return { cases: [{ id, gt: gtPath, pred: predPath }], unmatchedPredictions: [], ignored: { gt: 0, pred: 0 } };
    const preds = listData(predPath, 'prediction');
    const match = preds.files.get(id) ?? [];
    return {
      cases: [pairOf(id, gtPath, match)],
      unmatchedPredictions: [],
      ignored: { gt: 0, pred: preds.ignored },
    };
  }
  if (predKind === 'file') throw new DiscoveryError(`--gt ${gtPath} is a folder but --pred ${predPath} is a file: give two folders or two files`);
  const gts = listData(gtPath, 'ground truth');
  if (gts.files.size === 0) throw new DiscoveryError(`ground-truth folder ${gtPath} holds no data file (.png, .nii, .nii.gz, .npy, .npz, .mha, .mhd, .nrrd, .nhdr, .tif, .tiff)`);
  const preds = listData(predPath, 'prediction');
  return pairListings(gts, preds);
}

function pairOf(id: string, gt: string, preds: string[]): CasePair {
  if (preds.length > 1) return { id, gt, pred: preds[0], problem: `several predictions share the id ${id}: ${preds.map((f) => basename(f)).join(', ')}` };
  return { id, gt, pred: preds[0] ?? null };
}

/** One case per ground-truth id, its prediction matched by id; cases sorted by id. */
export function pairListings(gts: Listing, preds: Listing): Discovery {
  const cases: CasePair[] = [];
  for (const [id, files] of gts.files) {
    if (files.length > 1) {
      cases.push({ id, gt: files[0], pred: null, problem: `several ground-truth files share the id ${id}: ${files.map((f) => basename(f)).join(', ')}` });
      continue;
    }
    cases.push(pairOf(id, files[0], preds.files.get(id) ?? []));
  }
  const unmatched: string[] = [];
  for (const [id, files] of preds.files) if (!gts.files.has(id)) unmatched.push(...files);
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { cases, unmatchedPredictions: unmatched.sort(), ignored: { gt: gts.ignored, pred: preds.ignored } };
}
