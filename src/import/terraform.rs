//! Reader for terraform sources (in progress).

use super::{ImportError, Inventory};

pub fn read(source: &str) -> Result<Inventory, ImportError> {
    Err(ImportError::new(
        source,
        "",
        "importing from terraform is not implemented yet",
    ))
}
