//! Scenario files: the types, loading, validation and writing back (SPEC section 2).

mod fields;
pub mod limits;
mod load;
mod model;
mod raw;
pub mod schema;
pub mod spans;
mod validate;
pub mod write;

pub use crate::diagnostic::{Diagnostic, LoadCode};
pub use limits::MAX_FILE_BYTES;
pub use load::{Document, STDIN, load_file, load_one, load_str, read_path, read_source};
pub use model::*;
pub use spans::Position;
pub use validate::PLACEHOLDER_PUBLIC_IPS;
