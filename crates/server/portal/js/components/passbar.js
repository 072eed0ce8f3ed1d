// The pass/fail bar: grey while no run finished, then green and red in
// proportion to passed and failed controls. Hover or focus shows the
// percentages; screen readers get them as the bar's label.
import { h } from '../dom.js';
import { percent } from '../format.js';

export function passBar(item, { wide = false } = {}) {
  const pass = item.passPercent;
  const fail = item.failPercent;
  const finished = pass !== null && pass !== undefined && item.state !== 'pending';
  const label = finished
    ? `Passed ${percent(pass)}, failed ${percent(fail)} (${item.passCount} passed, ${item.failCount} failed controls)`
    : 'No finished run yet';
  const bar = h('div', {
    class: `passbar${finished ? '' : ' pending'}${wide ? ' passbar-wide' : ''}`, role: 'img', tabindex: '0',
    'aria-label': label, dataset: { pass: finished ? String(pass) : '', fail: finished ? String(fail) : '' },
  });
  if (finished) {
    const passSeg = h('span', { class: 'seg seg-pass' });
    const failSeg = h('span', { class: 'seg seg-fail' });
    passSeg.style.width = `${pass}%`;
    failSeg.style.width = `${fail}%`;
    bar.append(passSeg, failSeg);
  }
  bar.append(h('span', { class: 'tip', 'aria-hidden': 'true' },
    finished ? `Pass ${percent(pass)} · Fail ${percent(fail)}` : 'Pending: no finished run'));
  return bar;
}
