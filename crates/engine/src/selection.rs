//! Which controls a scan evaluates: a whole provider's catalogue, or the
//! controls a mandate maps for that provider.

use posture_catalog::{Catalog, Mandate};
use posture_model::{Provider, ResourceKind};
use std::collections::HashMap;

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
        Selection {
            catalog,
            provider,
            mandate,
            controls,
            by_kind,
        }
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
