// `--lesion-csv FILE` (spec/lesions.md "Report"): one row per lesion entry of every ok case,
// `id,label,status,gt,pred,gt_voxels,pred_voxels,iou,dice,hd95`, pred ids space-separated.
import { csvField } from './csv.js';
import type { Report } from './model.js';

const CRLF = '\r\n';
export const LESION_CSV_HEADER = ['id', 'label', 'status', 'gt', 'pred', 'gt_voxels', 'pred_voxels', 'iou', 'dice', 'hd95'];

export function writeLesionCsv(report: Report): string {
  const lines = [LESION_CSV_HEADER.join(',')];
  const num = (v: number | null) => (v === null || !Number.isFinite(v) ? '' : String(v));
  for (const c of report.cases) {
    if (c.status !== 'ok' || !c.lesions) continue;
    for (const [label, entries] of Object.entries(c.lesions)) {
      for (const e of entries) {
        lines.push(
          [c.id, label, e.status, e.gt === null ? '' : String(e.gt), e.pred.join(' '), String(e.gt_voxels), String(e.pred_voxels), num(e.iou), num(e.dice), num(e.hd95)]
            .map(csvField)
            .join(','),
        );
      }
    }
  }
  return lines.join(CRLF) + CRLF;
}
