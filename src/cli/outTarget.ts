// What one `--out` names: a file and the format to write there. The format comes from the
// extension (.json .csv .md .markdown .html .txt), or from a FORMAT: prefix for a name whose
// extension says nothing or says something else (`nnunet:summary.json`, `table:run.log`).
import type { Format } from './evalCommand.js';

export interface OutTarget {
  path: string;
  format: Format;
}

const PREFIXES: Record<string, Format> = { table: 'table', csv: 'csv', json: 'json', markdown: 'markdown', md: 'markdown', nnunet: 'nnunet', html: 'html' };
const EXTENSIONS: Record<string, Format> = { '.json': 'json', '.csv': 'csv', '.md': 'markdown', '.markdown': 'markdown', '.txt': 'table', '.html': 'html', '.htm': 'html' };

export const OUT_HELP = 'the extension must be .json, .csv, .md, .html or .txt (table), or give the format first: nnunet:summary.json, table:run.log';

/** null when neither a prefix nor the extension names a format. */
export function outTarget(spec: string): OutTarget | null {
  const m = /^([a-z]+):(.+)$/i.exec(spec);
  if (m && PREFIXES[m[1].toLowerCase()]) return { path: m[2], format: PREFIXES[m[1].toLowerCase()] };
  const ext = /\.[^./\\]+$/.exec(spec)?.[0].toLowerCase();
  return ext && EXTENSIONS[ext] ? { path: spec, format: EXTENSIONS[ext] } : null;
}
