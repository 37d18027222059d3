//! `r4-validate PATH...`: checks every FHIR resource in the given files and
//! directories against fhirbolt's strict R4 model (see the library) and reports each
//! invalid one on its own line. Exit 0: all valid; 1: some invalid; 2: usage or read error.

use std::path::PathBuf;
use std::process::ExitCode;

use ownchart_r4_validator::{check, inputs};

const USAGE: &str = "\
usage: r4-validate PATH...

Checks every FHIR resource in PATH against the R4 model (strict read, then written
back and compared). PATH is a file or a directory (every *.json and *.ndjson file
inside, recursively). A .json file holds one resource or a Bundle (its entry
resources are checked one by one); a .ndjson file holds one resource per line.

Prints one line per invalid resource (place: resourceType/id: reason) and a summary.
Exit status: 0 all valid, 1 some invalid, 2 usage or read error.";

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.is_empty() || args.iter().any(|a| a.to_string_lossy().starts_with('-')) {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let paths: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    match run(&paths) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("r4-validate: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints the failures and the summary; returns how many resources are invalid.
fn run(paths: &[PathBuf]) -> Result<usize, inputs::ReadError> {
    let (mut checked, mut invalid) = (0, 0);
    for file in inputs::files(paths)? {
        for item in inputs::resources(&file)? {
            checked += 1;
            if let Some(failure) = check(&item) {
                invalid += 1;
                println!("{failure}");
            }
        }
    }
    println!("checked {checked} resources, {invalid} invalid");
    Ok(invalid)
}
