//! File formats in: one module per format. Each parser streams its input into a [`Batch`];
//! parsers never touch the workspace.

pub mod aws_ec2;
pub mod azure;
pub mod batch;
mod chunks;
pub mod cmdb;
pub mod detect;
pub mod edges_csv;
pub mod error;
pub mod gcp;
pub mod goflow2;
pub mod hubble;
pub mod input;
pub mod kubernetes;
pub mod lines;
pub mod nfdump;
pub mod parse;
pub mod plan;
pub mod topology;
pub mod vpc;
pub mod zeek;

use std::io::BufRead;

pub use batch::{Batch, Context, FlowSink, ParseOptions, SkippedRecord};
pub use detect::{Format, detect};
pub use error::InputError;

/// Parses one input of a known format into the batch.
pub fn parse(
    format: Format,
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let parsed = match format {
        Format::Cmdb => cmdb::parse(input, ctx, batch),
        Format::KubernetesPods => kubernetes::parse(input, ctx, batch),
        Format::AwsInstances => aws_ec2::parse_instances(input, ctx, batch),
        Format::AwsVpcs => aws_ec2::parse_vpcs(input, ctx, batch),
        Format::AwsSubnets => aws_ec2::parse_subnets(input, ctx, batch),
        Format::Topology => topology::parse(input, ctx, batch),
        Format::AwsVpcFlow => vpc::parse(input, ctx, batch),
        Format::Zeek => zeek::parse(input, ctx, batch),
        Format::Hubble => hubble::parse(input, ctx, batch),
        Format::AzureNsg => azure::parse_nsg(input, ctx, batch),
        Format::AzureVnet => azure::parse_vnet(input, ctx, batch),
        Format::GcpVpcFlow => gcp::parse(input, ctx, batch),
        Format::Nfdump => nfdump::parse(input, ctx, batch),
        Format::Goflow2 => goflow2::parse(input, ctx, batch),
        Format::EdgesCsv => edges_csv::parse(input, ctx, batch),
    };
    // No more records come: the edges are put in key order once, here.
    batch.flows.edges.finish();
    parsed
}
