// The HTML report: imported lazily (`await import('./html/index.js')`) by the commands
// that write one, so the charting library is loaded only then.
export { renderHtmlReport, DEFAULT_HTML_WORST, type HtmlReportOptions } from './reportPage.js';
export { renderComparePage, pairedValues, type CompareJson, type ComparePageOptions } from './comparePage.js';
export { THUMB_MAX, OVERLAY_COLOURS, type ThumbnailOptions } from './thumbnails.js';
export { warmUpCharting } from './charts.js';
