//! Exit codes shared by every `embodied` subcommand and node binary (house style §4); the one
//! table lives in the runtime so node binaries use the same codes.
//!
//! `embodied launch` also ends with the exit code of the first process that failed, so a node
//! that stops on bad parameters (2) makes the launch exit 2 as well.

// The whole documented set is re-exported; subcommands use the codes they need.
#[allow(unused_imports)]
pub use embodied_runtime::exit_code::*;
