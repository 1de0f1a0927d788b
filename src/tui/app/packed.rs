//! Compact containers for per-row data of large estates: one allocation instead of one per row.

/// Many short strings in one buffer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackedText {
    text: String,
    ends: Vec<usize>,
}

impl PackedText {
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.ends.push(self.text.len());
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl FromIterator<String> for PackedText {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut packed = PackedText::default();
        iter.into_iter().for_each(|text| packed.push(&text));
        packed
    }
}

/// A list of indices for each of `n` owners, in one buffer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackedLists {
    starts: Vec<usize>,
    items: Vec<u32>,
}

impl PackedLists {
    /// Groups `(owner, item)` pairs by owner (owners from 0 to `owners - 1`; others are
    /// dropped), keeping the order of the pairs within each owner.
    pub fn group(owners: usize, pairs: impl Iterator<Item = (usize, u32)> + Clone) -> PackedLists {
        let mut starts = vec![0usize; owners + 1];
        for (owner, _) in pairs.clone().filter(|(o, _)| *o < owners) {
            starts[owner + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; starts[owners]];
        for (owner, item) in pairs.filter(|(o, _)| *o < owners) {
            items[next[owner]] = item;
            next[owner] += 1;
        }
        PackedLists { starts, items }
    }

    /// The list of `owner`; empty for an unknown owner.
    pub fn get(&self, owner: usize) -> &[u32] {
        match (self.starts.get(owner), self.starts.get(owner + 1)) {
            (Some(&start), Some(&end)) => self.items.get(start..end).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Sorts every list by a key.
    pub fn sort_each_by_key<K: Ord>(&mut self, key: impl Fn(u32) -> K) {
        for window in self.starts.windows(2) {
            if let Some(list) = self.items.get_mut(window[0]..window[1]) {
                list.sort_by_key(|&i| key(i));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_text_round_trips() {
        let packed: PackedText = ["ab", "", "cde"].iter().map(|s| s.to_string()).collect();
        assert_eq!(packed.len(), 3);
        assert_eq!(packed.get(0), Some("ab"));
        assert_eq!(packed.get(1), Some(""));
        assert_eq!(packed.get(2), Some("cde"));
        assert_eq!(packed.get(3), None);
    }

    #[test]
    fn packed_lists_group_and_sort() {
        let pairs = [(2, 10), (0, 11), (2, 12), (9, 13), (0, 14)];
        let mut lists = PackedLists::group(3, pairs.iter().copied());
        assert_eq!(lists.get(0), [11, 14]);
        assert!(lists.get(1).is_empty());
        assert_eq!(lists.get(2), [10, 12]);
        assert!(lists.get(3).is_empty());
        lists.sort_each_by_key(std::cmp::Reverse);
        assert_eq!(lists.get(0), [14, 11]);
    }
}
