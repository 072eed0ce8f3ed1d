// The portal's icon set: inline SVG drawn from path data (24x24 grid,
// stroked with currentColor), decorative unless given a label.
import { h } from './dom.js';

const PATHS = {
  shield: ['M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5z', 'm8.5 12 2.5 2.5 4.5-5'],
  overview: ['M4 20V10', 'M10 20V4', 'M16 20v-7', 'M22 20H2'],
  resources: ['M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z', 'M4 6v6c0 1.7 3.6 3 8 3s8-1.3 8-3V6', 'M4 12v6c0 1.7 3.6 3 8 3s8-1.3 8-3v-6'],
  connectors: ['M9 7V3', 'M15 7V3', 'M6 7h12v4a6 6 0 0 1-12 0z', 'M12 17v4'],
  policies: ['M5 4h10l4 4v12H5z', 'M15 4v4h4', 'M8 12h8', 'M8 16h6'],
  dots: ['M12 5.5v.01', 'M12 12v.01', 'M12 18.5v.01'],
  plus: ['M12 5v14', 'M5 12h14'],
  refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13'],
  download: ['M12 4v11', 'm7 10 5 5 5-5', 'M5 20h14'],
  close: ['M6 6l12 12', 'M18 6 6 18'],
  info: ['M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z', 'M12 11v6', 'M12 7.5v.01'],
  logout: ['M15 4h4v16h-4', 'M10 16l4-4-4-4', 'M14 12H4'],
  play: ['M7 4v16l13-8z'],
  filter: ['M3 5h18l-7 8v6l-4 2v-8z'],
  check: ['m5 12 5 5 9-10'],
  search: ['M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z', 'm20 20-4-4'],
};

/** An icon; decorative (aria-hidden) unless `label` is given. */
export function icon(name, label) {
  const svg = h('svg:svg', {
    viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': 2,
    'stroke-linecap': 'round', 'stroke-linejoin': 'round', focusable: 'false',
    'aria-hidden': label ? false : 'true', role: label ? 'img' : false, 'aria-label': label || false,
  });
  for (const d of PATHS[name] || []) svg.append(h('svg:path', { d }));
  return svg;
}
