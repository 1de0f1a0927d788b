//! Which workloads a selector or a rule side picks, without testing every workload where an index
//! says which to test: by name, by application, by label value, by zone.

use rustc_hash::FxHashMap;

use super::super::resolve::ResolvedEstate;
use super::{Matcher, ZoneMap};
use crate::model::plan::{Peer, Selector};

/// The estate's workloads indexed by name (lower case), application and label: what [`Members`]
/// needs besides the zones. It owns its keys and holds no reference to the estate, so it can be
/// kept across plan edits next to the estate it was built from (and must be used with that one).
#[derive(Debug, Clone, Default)]
pub struct MemberIndex {
    by_name: FxHashMap<String, Vec<u32>>,
    by_app: FxHashMap<String, Vec<u32>>,
    /// Label key, then value.
    by_label: FxHashMap<String, FxHashMap<String, Vec<u32>>>,
}

/// Adds `w` to the list under `key`, allocating the key only the first time.
fn add(map: &mut FxHashMap<String, Vec<u32>>, key: &str, w: u32) {
    match map.get_mut(key) {
        Some(list) => list.push(w),
        None => {
            map.insert(key.to_string(), vec![w]);
        }
    }
}

impl MemberIndex {
    pub fn new(estate: &ResolvedEstate) -> MemberIndex {
        let mut index = MemberIndex::default();
        for (w, workload) in estate.workloads.iter().enumerate() {
            let w = w as u32;
            add(&mut index.by_name, &workload.name.to_lowercase(), w);
            add(&mut index.by_app, workload.app(), w);
            for (key, value) in &workload.labels {
                let values = match index.by_label.get_mut(key.as_str()) {
                    Some(values) => values,
                    None => index.by_label.entry(key.clone()).or_default(),
                };
                add(values, value, w);
            }
        }
        index
    }

    /// The workloads worth testing for a selector, or `None` when every one is.
    fn candidates(&self, selector: &Selector) -> Option<&[u32]> {
        fn list(found: Option<&Vec<u32>>) -> Option<&[u32]> {
            Some(found.map_or(&[][..], Vec::as_slice))
        }
        match selector {
            Selector::Workload(name) => list(self.by_name.get(&name.to_lowercase())),
            Selector::App(app) => list(self.by_app.get(app.as_str())),
            Selector::Labels(labels) => labels.iter().next().and_then(|(k, v)| {
                list(
                    self.by_label
                        .get(k.as_str())
                        .and_then(|values| values.get(v.as_str())),
                )
            }),
            _ => None,
        }
    }

    /// Calls `f` with every workload of `estate` (the one the index was built from) the
    /// selector picks, in index order.
    pub fn for_each_selected(
        &self,
        estate: &ResolvedEstate,
        selector: &Selector,
        f: impl FnMut(u32),
    ) {
        let workloads = &estate.workloads;
        let matcher = Matcher::new(estate);
        let check = |w: &u32| {
            workloads
                .get(*w as usize)
                .is_some_and(|workload| matcher.workload(selector, workload))
        };
        match self.candidates(selector) {
            Some(list) => list.iter().copied().filter(check).for_each(f),
            None => (0..workloads.len() as u32).filter(check).for_each(f),
        }
    }
}

/// An index owned, or borrowed from whoever keeps it across zone changes.
enum IndexRef<'a> {
    Owned(Box<MemberIndex>),
    Shared(&'a MemberIndex),
}

/// Finds the workloads a rule side names without testing every workload where it can: by zone,
/// by name, by application, by one of the labels; other selectors test every workload.
pub struct Members<'a> {
    estate: &'a ResolvedEstate,
    index: IndexRef<'a>,
    zones: &'a ZoneMap,
    /// The workloads of each zone, in index order.
    by_zone: Vec<Vec<u32>>,
}

impl<'a> Members<'a> {
    pub fn new(estate: &'a ResolvedEstate, zones: &'a ZoneMap) -> Members<'a> {
        let index = IndexRef::Owned(Box::new(MemberIndex::new(estate)));
        Members::build(estate, index, zones)
    }

    /// Members over an index (of this estate) kept across zone changes: costs one pass over the
    /// zone map.
    pub fn with_index(
        estate: &'a ResolvedEstate,
        index: &'a MemberIndex,
        zones: &'a ZoneMap,
    ) -> Members<'a> {
        Members::build(estate, IndexRef::Shared(index), zones)
    }

    fn build(estate: &'a ResolvedEstate, index: IndexRef<'a>, zones: &'a ZoneMap) -> Members<'a> {
        let mut by_zone = vec![Vec::new(); zones.names.len()];
        for (w, &zone) in zones.workload_zone.iter().enumerate() {
            if let Some(list) = by_zone.get_mut(zone as usize) {
                list.push(w as u32);
            }
        }
        Members {
            estate,
            index,
            zones,
            by_zone,
        }
    }

    fn index(&self) -> &MemberIndex {
        match &self.index {
            IndexRef::Owned(index) => index,
            IndexRef::Shared(index) => index,
        }
    }

    /// Calls `f` with every workload the peer matches, in index order.
    pub fn for_each(&self, peer: &Peer, f: impl FnMut(u32)) {
        match peer {
            Peer::Any => (0..self.estate.workloads.len() as u32).for_each(f),
            Peer::Zone(name) => {
                let zone = self.zones.index(name);
                if let Some(list) = zone.and_then(|z| self.by_zone.get(z as usize)) {
                    list.iter().copied().for_each(f);
                }
            }
            Peer::Selector(selector) => self.index().for_each_selected(self.estate, selector, f),
        }
    }
}
