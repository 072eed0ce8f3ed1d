// Data tables: a sticky header, optional sorting (aria-sort), columns the
// user can hide, and an empty state. Cells are rendered by each column.
import { h } from '../dom.js';

/**
 * columns: [{key, label, render(row), sortable, className}]
 * hidden: Set of column keys not shown; sort: {key, order}; onSort(key).
 */
export function dataTable({ columns, rows, hidden = new Set(), sort, onSort, caption, empty = 'Nothing to show.', rowKey }) {
  const shown = columns.filter((c) => !hidden.has(c.key));
  const head = h('tr', {}, shown.map((c) => {
    const sorted = sort && sort.key === c.key;
    const ariaSort = sorted ? (sort.order === 'desc' ? 'descending' : 'ascending') : (c.sortable ? 'none' : false);
    const label = c.sortable && onSort
      ? h('button', { type: 'button', class: 'sort', onclick: () => onSort(c.key) },
        c.label, sorted ? (sort.order === 'desc' ? ' ▼' : ' ▲') : '')
      : c.label;
    return h('th', { scope: 'col', class: c.className || false, 'aria-sort': ariaSort, dataset: { column: c.key } }, label);
  }));
  const body = rows.length
    ? rows.map((row) => h('tr', { dataset: rowKey ? { key: String(rowKey(row)) } : {} },
      shown.map((c) => h('td', { class: c.className || false, dataset: { column: c.key } }, c.render(row)))))
    : [h('tr', {}, h('td', { colspan: shown.length, class: 'empty' }, empty))];
  return h('div', { class: 'table-wrap' }, h('table', {},
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, head), h('tbody', {}, body)));
}

/** Paging controls: "1–25 of 80", previous/next, page size. */
export function pager({ skip, top, total, onPage, sizes = [10, 25, 50, 100], onSize, label = 'rows' }) {
  const from = total ? skip + 1 : 0;
  const to = Math.min(skip + top, total);
  const size = h('select', { 'aria-label': 'Rows per page', onchange: (e) => onSize(Number(e.target.value)) },
    sizes.map((n) => h('option', { value: String(n), selected: n === top }, `${n} per page`)));
  return h('nav', { class: 'pager', 'aria-label': `Pages of ${label}` },
    h('span', { class: 'note', 'aria-live': 'polite' }, `${from}–${to} of ${total} ${label}`),
    h('div', { class: 'actions' },
      size,
      h('button', { type: 'button', disabled: skip <= 0, onclick: () => onPage(Math.max(0, skip - top)) }, 'Previous'),
      h('button', { type: 'button', disabled: skip + top >= total, onclick: () => onPage(skip + top) }, 'Next')));
}
