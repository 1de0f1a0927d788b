use std::process::ExitCode;

fn main() -> ExitCode {
    blastwall::cli::main()
}
