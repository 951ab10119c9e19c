//! Reader for cloudformation sources (in progress).

use super::{ImportError, Inventory};

pub fn read(source: &str) -> Result<Inventory, ImportError> {
    Err(ImportError::new(
        source,
        "",
        "importing from cloudformation is not implemented yet",
    ))
}
