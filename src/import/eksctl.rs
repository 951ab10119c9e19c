//! Reader for eksctl sources (in progress).

use super::{ImportError, Inventory};

pub fn read(source: &str) -> Result<Inventory, ImportError> {
    Err(ImportError::new(
        source,
        "",
        "importing from eksctl is not implemented yet",
    ))
}
