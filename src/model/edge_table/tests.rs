use std::collections::BTreeMap;
use std::net::IpAddr;

use proptest::prelude::*;

use super::*;

fn key(client: u8, server: u8, port: u16, v6: bool, hint: u32) -> EdgeKey {
    let address = |n: u8| -> IpAddr {
        if v6 {
            IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(n)])
        } else {
            IpAddr::from([10, 0, 0, n])
        }
    };
    EdgeKey {
        client: address(client),
        server: address(server),
        port,
        protocol: Protocol(if port % 2 == 0 { 6 } else { 17 }),
        client_hint: HintId(hint),
        server_hint: HintId::NONE,
    }
}

fn naive_add(map: &mut BTreeMap<EdgeKey, EdgeStats>, key: EdgeKey, sample: &FlowSample) {
    let stats = map.entry(key).or_default();
    stats.records += 1;
    if sample.accepted {
        stats.accepted += 1;
    } else {
        stats.rejected += 1;
    }
    stats.bytes = stats.bytes.saturating_add(sample.bytes);
    stats.packets = stats.packets.saturating_add(sample.packets);
    stats.see(sample.start, sample.end);
    stats.sources.insert(sample.source);
}

type Input = (u8, u8, u16, bool, u32, bool, u64, Option<i64>, Option<i64>);

fn sample(input: &Input) -> (EdgeKey, FlowSample) {
    let (client, server, port, v6, hint, accepted, bytes, start, end) = *input;
    let sample = FlowSample {
        accepted,
        bytes,
        packets: bytes / 7,
        start,
        end,
        source: if port % 3 == 0 {
            SourceKind::Zeek
        } else {
            SourceKind::AwsVpc
        },
    };
    (key(client, server, port, v6, hint % 2), sample)
}

fn time_strategy() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        Just(None),
        (1_700_000_000i64..1_700_100_000).prop_map(Some),
        Just(Some(-5)),
        Just(Some(0)),
        Just(Some(i64::from(u32::MAX))),
        Just(Some(1i64 << 40)),
    ]
}

proptest! {
    #[test]
    fn agrees_with_a_plain_map(
        inputs in prop::collection::vec(
            (0u8..6, 0u8..6, 0u16..4, prop::bool::weighted(0.2), 0u32..4, any::<bool>(),
             prop_oneof![0u64..5000, Just(u64::MAX - 3)], time_strategy(), time_strategy()),
            0..200),
        parts in 1usize..4,
        finish_at in prop::option::of(0usize..200),
        finish_at_end in any::<bool>(),
    ) {
        let mut naive = BTreeMap::new();
        let mut table = EdgeTable::with_parts(parts);
        for (i, input) in inputs.iter().enumerate() {
            if finish_at == Some(i) {
                table.finish();
            }
            let (key, sample) = sample(input);
            naive_add(&mut naive, key, &sample);
            table.add(key, &sample);
        }
        if finish_at_end {
            table.finish();
        }
        let sorted: Vec<(EdgeKey, EdgeStats)> = table.sorted().collect();
        let expected: Vec<(EdgeKey, EdgeStats)> = naive.into_iter().collect();
        prop_assert_eq!(table.len(), expected.len());
        prop_assert_eq!(&sorted, &expected);
        for (key, stats) in &expected {
            prop_assert_eq!(table.get(key), Some(*stats));
        }
        let mut unordered: Vec<(EdgeKey, EdgeStats)> = table.iter().collect();
        unordered.sort_by_key(|(k, _)| *k);
        prop_assert_eq!(unordered, expected);
    }

    #[test]
    fn parts_built_apart_join_into_the_same_table(
        inputs in prop::collection::vec(
            (0u8..8, 0u8..8, 0u16..6, prop::bool::weighted(0.2), 0u32..2, any::<bool>(),
             0u64..5000, time_strategy(), time_strategy()),
            0..200),
    ) {
        let mut whole = EdgeTable::default();
        let mut apart = [EdgeTable::default(), EdgeTable::default()];
        for input in &inputs {
            let (key, sample) = sample(input);
            whole.add(key, &sample);
            apart[EdgeTable::part_of(&key, 2)].add_to_own_part(key, &sample);
        }
        let [mut first, mut second] = apart;
        first.finish();
        second.finish();
        let joined = EdgeTable::join_parts(vec![first, second]);
        prop_assert_eq!(joined.sorted().collect::<Vec<_>>(), whole.sorted().collect::<Vec<_>>());
    }
}

#[test]
fn a_counter_that_outgrows_the_compact_form_moves_the_edge() {
    let mut table = EdgeTable::default();
    let key = key(1, 2, 443, false, 0);
    let mut sample = FlowSample {
        accepted: true,
        bytes: 10,
        packets: 1,
        start: Some(100),
        end: Some(200),
        source: SourceKind::AwsVpc,
    };
    table.add(key, &sample);
    sample.start = Some(-1);
    table.add(key, &sample);
    let stats = table.get(&key);
    assert_eq!(
        stats.map(|s| (s.records, s.first_seen, s.last_seen)),
        Some((2, Some(-1), Some(200)))
    );
    table.add_stats(
        key,
        &EdgeStats {
            records: 3,
            accepted: 3,
            ..EdgeStats::default()
        },
    );
    assert_eq!(table.get(&key).map(|s| s.records), Some(5));
    assert_eq!(table.len(), 1);
}
