// The New Connector dialog, one tab per cloud, each guiding the set-up:
// AWS shows the platform's account number and this tenant's external ID and
// offers the CloudFormation role template; Azure asks the application,
// directory and subscription IDs and the secret and names the role to
// grant; GCP takes the project ID and the key file and names the roles and
// APIs. The API's validation errors appear beside their field.
import { get, post } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { icon } from '../icons.js';
import { openModal } from '../components/modal.js';

const PROVIDERS = ['AWS', 'Azure', 'GCP'];

export function newConnector(done) {
  const fields = {};
  const alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true });
  const panel = h('div', { role: 'tabpanel', id: 'connector-panel' });
  const tabs = PROVIDERS.map((p) => h('button', {
    type: 'button', role: 'tab', id: `tab-${p}`, 'aria-controls': 'connector-panel', dataset: { provider: p },
    onclick: () => choose(p),
  }, p));
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Cloud provider' }, tabs);
  tablist.addEventListener('keydown', (event) => {
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = tabs[(at + step + tabs.length) % tabs.length];
    next.focus();
    choose(next.dataset.provider);
  });
  const submit = h('button', { type: 'submit', class: 'primary', form: 'new-connector-form' }, 'Create connector');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h('form', { id: 'new-connector-form', novalidate: true }, tablist, panel);
  const modal = openModal({ title: 'New Connector', body: [form, alert], footer: [cancel, submit] });
  cancel.addEventListener('click', modal.close);
  let provider = 'AWS';
  let externalId = '';

  function field(key, label, control, hint) {
    const id = `connector-${key}`;
    control.id = id;
    control.name = key;
    const error = h('span', { class: 'field-error', id: `${id}-error`, hidden: true, dataset: { errorFor: key } });
    const hintNode = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
    control.setAttribute('aria-describedby', [hintNode ? `${id}-hint` : '', `${id}-error`].join(' ').trim());
    fields[key] = { control, error };
    return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintNode, error);
  }
  const text = (attrs = {}) => h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
  const checkbox = (key, label) => {
    const box = h('input', { type: 'checkbox', id: `connector-${key}` });
    fields[key] = { control: box, error: h('span', { class: 'field-error', hidden: true }) };
    return h('label', { class: 'actions' }, box, label, fields[key].error);
  };

  async function choose(p) {
    provider = p;
    for (const t of tabs) {
      const selected = t.dataset.provider === p;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `tab-${p}`);
    for (const key of Object.keys(fields)) delete fields[key];
    alert.hidden = true;
    const common = [field('name', 'Name', text({ required: true, maxlength: 200 })),
      field('description', 'Description (optional)', text({ maxlength: 1000 }))];
    if (p === 'AWS') replace(panel, await awsGuide(), common,
      field('arn', 'Role ARN', text({ placeholder: 'arn:aws:iam::123456789012:role/posture-read-only' }), 'The ARN of the role the template created (its RoleArn output).'),
      checkbox('isGovCloud', 'AWS GovCloud (US) account'), checkbox('isChinaRegion', 'AWS China account'));
    if (p === 'Azure') replace(panel,
      h('div', { class: 'alert alert-info' }, 'Register an application in Microsoft Entra ID, create a client secret for it, then on the subscription (Access control (IAM)) grant the application the built-in ',
        h('strong', {}, 'Reader'), ' role. posture only reads.'),
      common,
      field('applicationId', 'Application (client) ID', text({ placeholder: '00000000-0000-0000-0000-000000000000' })),
      field('directoryId', 'Directory (tenant) ID', text({ placeholder: '00000000-0000-0000-0000-000000000000' })),
      field('subscriptionId', 'Subscription ID', text({ placeholder: '00000000-0000-0000-0000-000000000000' })),
      field('authenticationKey', 'Client secret', h('input', { type: 'password', autocomplete: 'new-password' }), 'Stored encrypted; never shown again.'));
    if (p === 'GCP') replace(panel,
      h('div', { class: 'alert alert-info' }, 'Create a service account in the project, grant it the ',
        h('strong', {}, 'Viewer'), ' (roles/viewer) and ', h('strong', {}, 'Security Reviewer'), ' (roles/iam.securityReviewer) roles, create a JSON key, and enable the Cloud Resource Manager, Compute Engine, IAM, Cloud Storage, Cloud SQL Admin, Cloud KMS and Cloud Logging APIs.'),
      common,
      field('projectId', 'Project ID', text({ placeholder: 'my-project-123' })),
      field('gcpConfigJson', 'Service-account key file (JSON)', h('input', { type: 'file', accept: 'application/json,.json' }), 'Stored encrypted; never shown again.'));
  }

  async function awsGuide() {
    try {
      const details = await get('/cspm/connector/create-details?provider=aws');
      externalId = details.externalId;
      const template = JSON.stringify(details.roleTemplate, null, 2);
      const download = h('a', { class: 'button', download: 'posture-role.json', 'data-testid': 'role-template' }, icon('download'), 'Download the CloudFormation template');
      download.href = URL.createObjectURL(new Blob([template], { type: 'application/json' }));
      return h('div', { class: 'alert alert-info aws-guide' },
        h('p', {}, 'Create a read-only IAM role in the account to connect, trusting posture\'s account and requiring this external ID. The CloudFormation template below does exactly that.'),
        h('dl', { class: 'facts' },
          h('div', {}, h('dt', {}, 'posture\'s AWS account'), h('dd', {}, h('code', { id: 'aws-base-account' }, details.baseAccountId))),
          h('div', {}, h('dt', {}, 'Your external ID'), h('dd', {}, h('code', { id: 'aws-external-id' }, details.externalId)))),
        h('div', { class: 'actions' }, download),
        h('details', {}, h('summary', {}, 'Show the template'), h('pre', { class: 'code' }, template)));
    } catch (e) {
      return h('div', { class: 'alert alert-error' }, `The set-up details could not be loaded: ${e.message}`);
    }
  }

  async function body() {
    const value = (key) => (fields[key] ? fields[key].control.value.trim() : undefined);
    const b = { name: value('name'), description: value('description'), provider };
    if (provider === 'AWS') {
      Object.assign(b, { arn: value('arn'), externalId, isGovCloud: fields.isGovCloud.control.checked, isChinaRegion: fields.isChinaRegion.control.checked });
    } else if (provider === 'Azure') {
      Object.assign(b, { applicationId: value('applicationId'), directoryId: value('directoryId'), subscriptionId: value('subscriptionId'), authenticationKey: fields.authenticationKey.control.value });
    } else {
      const file = fields.gcpConfigJson.control.files[0];
      Object.assign(b, { projectId: value('projectId'), gcpConfigJson: file ? await file.text() : '' });
    }
    return b;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.hidden = true;
    for (const f of Object.values(fields)) { f.error.hidden = true; f.control.removeAttribute('aria-invalid'); }
    submit.disabled = true;
    try {
      const created = await post('/cspm/connector', await body());
      modal.close();
      toast(`${created.message || 'Connector created'}; checking the connection…`);
      done();
    } catch (e) {
      const key = e.field ? e.field.split(/[.[]/)[0] : null;
      const target = key && fields[key];
      if (target) {
        target.error.textContent = e.message;
        target.error.hidden = false;
        target.control.setAttribute('aria-invalid', 'true');
        target.control.focus();
      } else {
        alert.textContent = e.status === 409 ? `${e.message} (this cloud scope already has a connector)` : e.message;
        alert.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  });
  choose('AWS').then(() => fields.name && fields.name.control.focus());
}
