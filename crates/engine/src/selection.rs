//! Which controls a scan evaluates: a whole provider's catalogue, or the
//! controls a mandate maps for that provider.

use posture_catalog::{Catalog, Mandate};
use posture_model::{Provider, ResourceKind};
use std::collections::{BTreeSet, HashMap};

/// The controls to evaluate, indexed by resource kind.
#[derive(Debug)]
pub struct Selection<'c> {
    pub catalog: &'c Catalog,
    pub provider: Provider,
    pub mandate: Option<&'c Mandate>,
    /// Positions in `catalog.controls`, in CID order.
    pub controls: Vec<usize>,
    /// Kind → positions in `controls`.
    by_kind: HashMap<ResourceKind, Vec<usize>>,
    /// Kind → top-level fields its selected controls read (`None`: all).
    fields_by_kind: HashMap<ResourceKind, Option<BTreeSet<String>>>,
}

impl<'c> Selection<'c> {
    /// Every control of `provider`.
    pub fn provider(catalog: &'c Catalog, provider: Provider) -> Self {
        let controls = (0..catalog.controls.len())
            .filter(|&i| catalog.controls[i].provider == provider)
            .collect();
        Selection::new(catalog, provider, None, controls)
    }

    /// The controls `mandate` maps, for `provider`.
    pub fn mandate(catalog: &'c Catalog, mandate: &'c Mandate, provider: Provider) -> Self {
        let mut controls: Vec<usize> = mandate
            .control_ids()
            .into_iter()
            .filter_map(|id| catalog.control_index(id))
            .filter(|&i| catalog.controls[i].provider == provider)
            .collect();
        controls.sort_unstable();
        Selection::new(catalog, provider, Some(mandate), controls)
    }

    fn new(
        catalog: &'c Catalog,
        provider: Provider,
        mandate: Option<&'c Mandate>,
        controls: Vec<usize>,
    ) -> Self {
        let mut by_kind: HashMap<ResourceKind, Vec<usize>> = HashMap::new();
        for (position, &index) in controls.iter().enumerate() {
            by_kind
                .entry(catalog.controls[index].kind.clone())
                .or_default()
                .push(position);
        }
        let mut fields_by_kind: HashMap<ResourceKind, Option<BTreeSet<String>>> = HashMap::new();
        for &index in &controls {
            let control = &catalog.controls[index];
            let entry = fields_by_kind
                .entry(control.kind.clone())
                .or_insert_with(|| Some(BTreeSet::new()));
            for expr in std::iter::once(&control.check).chain(control.applies.as_ref()) {
                match (expr.top_level_fields(), entry.as_mut()) {
                    (Some(fields), Some(set)) => set.extend(fields.into_iter().map(str::to_owned)),
                    _ => *entry = None,
                }
            }
        }
        Selection {
            catalog,
            provider,
            mandate,
            controls,
            by_kind,
            fields_by_kind,
        }
    }

    /// The top-level fields the controls of `kind` read; `None` means all.
    pub fn fields_for_kind(&self, kind: &ResourceKind) -> Option<&BTreeSet<String>> {
        self.fields_by_kind.get(kind).and_then(Option::as_ref)
    }

    /// Positions (in `controls`) of the controls that check `kind`.
    pub fn for_kind(&self, kind: &ResourceKind) -> &[usize] {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The kinds the selected controls need: what a collector must read.
    pub fn kinds(&self) -> Vec<&ResourceKind> {
        let mut kinds: Vec<_> = self.by_kind.keys().collect();
        kinds.sort();
        kinds
    }

    pub fn control(&self, position: usize) -> &'c posture_catalog::Control {
        &self.catalog.controls[self.controls[position]]
    }
}
