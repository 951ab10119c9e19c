//! The `eksflow` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    eksflow::cli::run(eksflow::cli::Args::parse())
}
