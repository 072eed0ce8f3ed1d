// Resources: the summary strip that follows the filters, a search over
// type, name and id, the Cloud Provider / Cloud Account / Type filters,
// the column chooser (Name stays), sorting, paging and Export to CSV.
// Clicking a name opens the resource modal.
// URL state: ?search=&provider=&account=&type=&sort=&order=&top=&skip=&hide=&resource=
import { get, query } from '../api.js';
import { h, replace } from '../dom.js';
import { count, when } from '../format.js';
import { icon } from '../icons.js';
import { listParam, params, setParams } from '../router.js';
import { menuButton } from '../components/menu.js';
import { dataTable, pager } from '../components/table.js';
import { openResource } from './resource-modal.js';

const COLUMNS = [
  { key: 'type', label: 'Type', sort: 'type' },
  { key: 'name', label: 'Name', sort: 'name', fixed: true },
  { key: 'account', label: 'Cloud Account Id', sort: 'cloudAccountId' },
  { key: 'lastFound', label: 'Last Found', sort: 'dateLastFound' },
  { key: 'discovered', label: 'Date Discovered', sort: 'dateDiscovered' },
  { key: 'failed', label: 'Failed', sort: 'failed' },
];

export function render(container, _match, view) {
  document.title = 'Resources · posture';
  let typing = null;
  let generation = 0;
  const p = params();
  const search = h('input', { id: 'resource-search', type: 'search', class: 'search', placeholder: 'Type, name or id', value: p.get('search') || '' });
  const provider = h('select', { id: 'resource-provider' });
  const account = h('select', { id: 'resource-account' });
  const type = h('select', { id: 'resource-type' });
  const strip = h('div', { class: 'strip', role: 'group', 'aria-label': 'Summary', 'aria-live': 'polite' });
  const tableBox = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading resources…'));
  const pagerBox = h('div');
  const exportLink = h('a', { class: 'button', href: '/cspm/resources/export', download: 'resources.csv', 'data-testid': 'export-resources' }, icon('download'), 'Export to CSV');
  const columnsMenu = menuButton({
    label: 'Columns', iconName: 'dots', className: 'icon-only',
    items: () => [{ heading: 'Columns' }, ...COLUMNS.map((c) => ({
      key: c.key, label: c.label, disabled: Boolean(c.fixed), checked: c.fixed || !listParam('hide').includes(c.key),
      onToggle: (show) => {
        const hidden = new Set(listParam('hide'));
        if (show) hidden.delete(c.key); else hidden.add(c.key);
        setParams({ hide: [...hidden] }, { push: true });
        load();
      },
    }))],
  });
  const filter = (label, select) => h('div', { class: 'field' }, h('label', { for: select.id }, label), select);
  container.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Resources')),
    strip,
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'resource-search' }, 'Search'), search),
      filter('Cloud Provider', provider), filter('Cloud Account', account), filter('Type', type),
      h('span', { class: 'spacer' }), columnsMenu),
    tableBox,
    h('div', { class: 'pager' }, exportLink, pagerBox));

  const onFilter = () => {
    setParams({ provider: provider.value, account: account.value, type: type.value, skip: '' }, { push: true });
    load();
  };
  for (const select of [provider, account, type]) select.addEventListener('change', onFilter);
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { setParams({ search: search.value.trim(), skip: '' }); load(); }, 250);
  });

  function filters() {
    const q = params();
    return {
      provider: q.get('provider') || '', cloudAccountId: q.get('account') || '', resourceType: q.get('type') || '',
      search: q.get('search') || '',
    };
  }

  async function loadFacets() {
    const facets = await get('/cspm/resources/facets');
    const q = params();
    const options = (select, values, all, chosen) => {
      replace(select, h('option', { value: '' }, all), values.map((v) => h('option', { value: v }, v)));
      select.value = values.includes(chosen) ? chosen : '';
    };
    options(provider, facets.providers, 'All providers', q.get('provider') || '');
    options(account, facets.cloudAccountIds, 'All accounts', q.get('account') || '');
    options(type, facets.resourceTypes, 'All types', q.get('type') || '');
  }

  async function load() {
    const mine = ++generation;
    const q = params();
    const top = Math.min(100, Math.max(1, Number(q.get('top')) || 25));
    const skip = Math.max(0, Number(q.get('skip')) || 0);
    const sort = q.get('sort') || 'name';
    const order = q.get('order') || 'asc';
    const f = filters();
    tableBox.setAttribute('aria-busy', 'true');
    try {
      const [summary, page] = await Promise.all([
        get(`/cspm/resources/summary${query(f)}`),
        get(`/cspm/resources${query({ ...f, sort, order, top, skip })}`),
      ]);
      if (mine !== generation) return;
      drawStrip(summary);
      drawTable(page, { sort, order });
      replace(pagerBox, pager({
        skip, top, total: page.total, label: 'resources',
        onPage: (next) => { setParams({ skip: next || '' }, { push: true }); load(); },
        onSize: (size) => { setParams({ top: size, skip: '' }, { push: true }); load(); },
      }));
      exportLink.href = `/cspm/resources/export${query({ ...f, sort, order })}`;
    } catch (e) {
      replace(tableBox, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
    }
    tableBox.setAttribute('aria-busy', 'false');
  }

  function drawStrip(s) {
    const stat = (key, label, value, kind = '') => h('div', { class: `stat ${kind}`, dataset: { stat: key } },
      h('div', { class: 'label' }, label), h('div', { class: 'value' }, count(value)));
    replace(strip,
      stat('controlsFailed', 'Controls Failed', s.controlsFailed, 'fail'),
      stat('controlsPassed', 'Controls Passed', s.controlsPassed, 'pass'),
      stat('totalResources', 'Total Resources', s.totalResources),
      stat('accountsMonitored', 'Accounts Monitored', s.accountsMonitored));
  }

  function drawTable(page, sortState) {
    const renderers = {
      type: (r) => r.resourceType,
      name: (r) => h('button', { type: 'button', class: 'link resource-link', onclick: () => open(r.id) }, r.resourceName || r.accountId),
      account: (r) => r.cloudAccountId,
      lastFound: (r) => when(r.dateLastFound),
      discovered: (r) => when(r.dateDiscovered),
      failed: (r) => count(r.failed),
    };
    const columns = COLUMNS.map((c) => ({ key: c.key, label: c.label, sortable: true, className: c.key === 'failed' ? 'num' : (c.key === 'name' ? 'wrap' : false), render: renderers[c.key] }));
    const sortKey = COLUMNS.find((c) => c.sort === sortState.sort)?.key;
    replace(tableBox, dataTable({
      columns, rows: page.data, hidden: new Set(listParam('hide').filter((k) => k !== 'name')), caption: 'Resources',
      rowKey: (r) => r.id, empty: 'No resource matches these filters.',
      sort: { key: sortKey, order: sortState.order },
      onSort: (key) => {
        const column = COLUMNS.find((c) => c.key === key);
        const order = sortState.sort === column.sort && sortState.order === 'asc' ? 'desc' : 'asc';
        setParams({ sort: column.sort, order, skip: '' }, { push: true });
        load();
      },
    }));
  }

  function open(id) {
    setParams({ resource: id }, { push: true });
    openResource(id, () => setParams({ resource: '', rtop: '', rskip: '', rresult: '', rreport: '', rsearch: '' }));
  }

  view.leave = () => { generation += 1; clearTimeout(typing); };
  loadFacets().then(load).then(() => {
    const id = params().get('resource');
    if (id) openResource(Number(id), () => setParams({ resource: '', rtop: '', rskip: '', rresult: '', rreport: '', rsearch: '' }));
  }).catch((e) => replace(tableBox, h('div', { class: 'alert alert-error', role: 'alert' }, e.message)));
  return view.leave;
}
