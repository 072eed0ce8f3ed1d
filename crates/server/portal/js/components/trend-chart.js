// The report's pass percentage over its runs as a small SVG line chart;
// each point has a tooltip, and a hidden table gives the same figures to
// screen readers.
import { h } from '../dom.js';
import { localText, percent } from '../format.js';

export function trendChart(runs) {
  const finished = runs.filter((r) => r.passPercent !== null && r.passPercent !== undefined);
  if (!finished.length) return h('p', { class: 'empty' }, 'No finished run yet.');
  const width = 560; const height = 200; const left = 36; const right = 12; const top = 12; const bottom = 28;
  const x = (i) => left + (finished.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (finished.length - 1));
  const y = (p) => top + ((100 - p) * (height - top - bottom)) / 100;
  const svg = h('svg:svg', { viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Pass percentage over ${finished.length} runs, latest ${percent(finished[finished.length - 1].passPercent)}` });
  for (const p of [0, 25, 50, 75, 100]) {
    svg.append(h('svg:line', { class: 'grid', x1: left, x2: width - right, y1: y(p), y2: y(p) }));
    svg.append(h('svg:text', { x: left - 6, y: y(p) + 3, 'text-anchor': 'end' }, `${p}%`));
  }
  svg.append(h('svg:line', { class: 'axis', x1: left, x2: width - right, y1: y(0), y2: y(0) }));
  const points = finished.map((r, i) => `${x(i)},${y(r.passPercent)}`).join(' ');
  svg.append(h('svg:polyline', { class: 'line', points }));
  finished.forEach((r, i) => {
    const when = localText(r.finishedAt || r.requestedAt);
    svg.append(h('svg:circle', { class: 'point', cx: x(i), cy: y(r.passPercent), r: 4, dataset: { percent: String(r.passPercent) } },
      h('svg:title', {}, `${when}: ${percent(r.passPercent)} passed`)));
  });
  const first = finished[0]; const last = finished[finished.length - 1];
  svg.append(h('svg:text', { x: left, y: height - 8 }, localText(first.finishedAt)));
  if (finished.length > 1) svg.append(h('svg:text', { x: width - right, y: height - 8, 'text-anchor': 'end' }, localText(last.finishedAt)));
  const table = h('table', { class: 'visually-hidden' }, h('caption', {}, 'Pass percentage by run'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Finished'), h('th', { scope: 'col' }, 'Passed'))),
    h('tbody', {}, finished.map((r) => h('tr', {}, h('td', {}, localText(r.finishedAt)), h('td', {}, percent(r.passPercent))))));
  return h('div', { class: 'chart' }, svg, table);
}
