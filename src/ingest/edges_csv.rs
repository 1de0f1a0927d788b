//! Placeholder while the importer is written (replaced in this change).

use std::io::BufRead;

use super::batch::{Batch, Context};
use super::error::InputError;

pub fn looks_like(_first_line: &str) -> bool {
    false
}

pub fn parse(
    _input: &mut dyn BufRead,
    ctx: &mut Context,
    _batch: &mut Batch,
) -> Result<(), InputError> {
    Err(ctx.error(
        None,
        InputError::new("a supported format", "a format still being written"),
    ))
}
