// Policies, read-only: the mandates with their versions, the policies each
// includes, and a policy's controls (CID, title, severity, resource kind)
// with each control's details (rationale and remediation) in a dialog.
// URL state: /policies/{policyId}?mandate=pci-dss-4.0.1&provider=AWS
import { get, query } from '../api.js';
import { h, replace } from '../dom.js';
import { severity } from '../format.js';
import { navigate, params, setParams } from '../router.js';
import { openModal } from '../components/modal.js';
import { dataTable } from '../components/table.js';

export async function render(container, [policyId]) {
  document.title = 'Policies · posture';
  const provider = h('select', { id: 'policies-provider' },
    h('option', { value: '' }, 'All providers'), ['AWS', 'Azure', 'GCP'].map((p) => h('option', { value: p }, p)));
  provider.value = params().get('provider') || '';
  const mandateBox = h('section', { class: 'panel', 'aria-labelledby': 'mandates-title' });
  const policyBox = h('section', { class: 'panel', 'aria-labelledby': 'policies-title' });
  const controlBox = h('section', { class: 'panel', 'aria-labelledby': 'controls-title', hidden: !policyId });
  container.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Policies'), h('span', { class: 'spacer' }),
      h('div', { class: 'field' }, h('label', { for: 'policies-provider' }, 'Provider'), provider)),
    h('p', { class: 'note' }, 'Mandates are compliance frameworks at an exact version; each includes the policies holding its controls. Policies are read-only.'),
    h('div', { class: 'report-grid policies-grid' }, mandateBox, policyBox), controlBox);
  provider.addEventListener('change', () => { setParams({ provider: provider.value, mandate: '' }, { push: true }); draw(); });

  async function draw() {
    const p = provider.value;
    let mandates; let policies;
    try {
      [mandates, policies] = await Promise.all([get(`/cspm/mandates${query({ provider: p })}`), get(`/cspm/policies${query({ provider: p })}`)]);
    } catch (e) {
      replace(mandateBox, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
      return;
    }
    const chosen = mandates.find((m) => m.slug === params().get('mandate'));
    replace(mandateBox, h('h2', { id: 'mandates-title' }, `Mandates (${mandates.length})`),
      dataTable({
        caption: 'Mandates', rows: mandates, rowKey: (m) => m.slug,
        columns: [
          { key: 'name', label: 'Mandate', className: 'wrap', render: (m) => h('button', {
            type: 'button', class: 'link', 'aria-pressed': String(chosen === m),
            onclick: () => { setParams({ mandate: chosen === m ? '' : m.slug }, { push: true }); draw(); },
          }, m.name) },
          { key: 'version', label: 'Version', className: 'wrap', render: (m) => m.version },
          { key: 'providers', label: 'Clouds', render: (m) => m.providers.join(', ') },
          { key: 'controls', label: 'Controls', className: 'num', render: (m) => String(m.controlsCount) },
        ],
      }));
    const shown = chosen ? policies.filter((pol) => chosen.policyIds.includes(pol.id)) : policies;
    replace(policyBox,
      h('h2', { id: 'policies-title' }, chosen ? `Policies in ${chosen.name} ${chosen.version} (${shown.length})` : `All policies (${shown.length})`),
      chosen ? h('p', { class: 'note' }, chosen.description) : null,
      dataTable({
        caption: 'Policies', rows: shown, rowKey: (pol) => pol.id,
        columns: [
          { key: 'name', label: 'Policy', className: 'wrap', render: (pol) => h('a', { href: `/policies/${pol.id}${location.search}`, 'aria-current': String(pol.id) === policyId ? 'true' : false }, pol.name) },
          { key: 'provider', label: 'Cloud', render: (pol) => pol.provider },
          { key: 'controls', label: 'Controls', className: 'num', render: (pol) => String(pol.controlsCount) },
        ],
      }));
    if (policyId) await drawControls(policies.find((pol) => String(pol.id) === policyId));
  }

  async function drawControls(policy) {
    if (!policy) { replace(controlBox, h('p', { class: 'empty' }, 'No such policy for this provider.')); return; }
    const controls = await get(`/cspm/policy/${policy.id}/controls`);
    replace(controlBox,
      h('div', { class: 'page-head' }, h('h2', { id: 'controls-title' }, `${policy.name}: controls (${controls.length})`), h('span', { class: 'spacer' }),
        h('button', { type: 'button', onclick: () => navigate(`/policies${location.search}`) }, 'Close policy')),
      h('p', { class: 'note' }, policy.description),
      dataTable({
        caption: `Controls of ${policy.name}`, rows: controls, rowKey: (c) => c.controlId,
        columns: [
          { key: 'cid', label: 'CID', className: 'num', render: (c) => String(c.controlId) },
          { key: 'title', label: 'Title', className: 'wrap', render: (c) => h('button', { type: 'button', class: 'link', onclick: () => controlModal(c) }, c.controlName) },
          { key: 'severity', label: 'Severity', render: (c) => severity(c.severity) },
          { key: 'kind', label: 'Resource kind', render: (c) => h('code', {}, c.resourceType) },
        ],
      }));
  }

  draw();
}

async function controlModal(control) {
  const body = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  const close = h('button', { type: 'button' }, 'Close');
  const modal = openModal({ title: `CID ${control.controlId}: ${control.controlName}`, body, footer: [close], wide: true });
  close.addEventListener('click', modal.close);
  try {
    const r = await get(`/cspm/control/${control.controlId}/remediation`);
    const steps = [['In the console', r.console], ['With the CLI', r.cli], ['As code', r.iac]].filter(([, t]) => t);
    replace(body,
      h('dl', { class: 'facts' },
        h('div', {}, h('dt', {}, 'Severity'), h('dd', {}, severity(r.severity))),
        h('div', {}, h('dt', {}, 'Resource kind'), h('dd', {}, h('code', {}, control.resourceType))),
        h('div', {}, h('dt', {}, 'Slug'), h('dd', {}, h('code', {}, control.slug)))),
      h('h3', {}, 'Rationale'), h('p', {}, r.rationale),
      h('h3', {}, 'Remediation'), steps.map(([label, text]) => [h('h4', {}, label), h('pre', { class: 'steps' }, text)]),
      r.references.length ? [h('h3', {}, 'References'), h('ul', {}, r.references.map((x) => h('li', {}, x)))] : null);
  } catch (e) {
    replace(body, h('div', { class: 'alert alert-error', role: 'alert' }, e.message));
  }
}
