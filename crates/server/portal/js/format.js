// Dates in the user's locale (the UTC time on hover), numbers, percentages.
import { h } from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A <time> in the user's locale, with UTC in its title; a dash for none. */
export function when(iso) {
  if (!iso) return h('span', { class: 'note' }, '—');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('span', {}, iso);
  return h('time', { datetime: date.toISOString(), title: utc(date) }, dateTime.format(date));
}

export function utc(date) {
  return `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

export function localText(iso) {
  return iso ? dateTime.format(new Date(iso)) : '';
}

/** 66.7% (one decimal, none for whole numbers). */
export function percent(value) {
  if (value === null || value === undefined) return '—';
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

export function count(n) {
  return (n ?? 0).toLocaleString();
}

/** A coloured chip that also says its state in words. */
export function chip(state, label) {
  const key = String(state || 'pending').toLowerCase().replace(/\s+/g, '_');
  return h('span', { class: `chip chip-${key}` }, label || titleCase(state || 'Pending'));
}

export function titleCase(text) {
  const s = String(text).toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function severity(level) {
  return h('span', { class: `sev sev-${String(level).toLowerCase()}` }, level);
}
