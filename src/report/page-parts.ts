import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What the report page and the dashboard page share: uPlot, the style sheet, figures. */

const require = createRequire(import.meta.url);

/** uPlot's browser build and stylesheet, read from the installed package and inlined: no network at view time. */
export function uplotAssets(): { script: string; style: string } {
  return {
    script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export function figure(id: string, title: string, caption: string): string {
  return `<figure><figcaption><h3>${escapeHtml(title)}</h3><p>${escapeHtml(caption)}</p></figcaption><div class="chart" id="${id}"></div></figure>`;
}

export const PAGE_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f8fafc; color: #111827; }
header { background: #0f172a; color: #f8fafc; padding: 20px 32px; }
header h1 { margin: 0; font-size: 22px; }
.meta { margin: 4px 0 0; color: #cbd5e1; font-size: 12px; }
main { padding: 16px 32px 48px; max-width: 1400px; }
section { margin-top: 24px; }
h2 { font-size: 18px; border-bottom: 2px solid #e2e8f0; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; background: #fff; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #e2e8f0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; }
tr.flag td { background: #fef2f2; }
td.items { max-width: 420px; color: #475569; font-size: 12px; }
.n { color: #64748b; font-size: 11px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px; }
figcaption h3 { margin: 0; }
figcaption p { margin: 2px 0 8px; color: #64748b; font-size: 12px; }
.chart.empty { color: #94a3b8; padding: 40px 0; text-align: center; }
.events li { margin: 2px 0; }
.totals { font-size: 15px; }
`;
