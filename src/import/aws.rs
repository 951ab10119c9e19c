//! Reader for aws sources (in progress).

use super::{ImportError, Inventory};

pub fn read(source: &str) -> Result<Inventory, ImportError> {
    Err(ImportError::new(
        source,
        "",
        "importing from aws is not implemented yet",
    ))
}
