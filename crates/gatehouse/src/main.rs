//! `gatehouse`: parse the command line and run it.

use clap::Parser;

fn main() -> std::process::ExitCode {
    gatehouse::run(gatehouse::cli::Cli::parse())
}
