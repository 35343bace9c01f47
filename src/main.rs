//! The `digest` command line: the only part of digest that talks to the user.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use digest::error::{BuildError, Diagnostic};
use digest::{BuildOptions, BuildReport};

#[derive(Parser, Debug)]
#[command(
    name = "digest",
    version,
    about = "Builds the bilingual news digest: Markdown in, static site out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into public/ (or --output), replacing it atomically.
    Build(BuildArgs),
}

#[derive(clap::Args, Debug)]
struct BuildArgs {
    /// The site's folder, holding digest.yaml.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Use this base URL instead of the configured one (for previews).
    #[arg(long)]
    base_url: Option<String>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Ignore the build cache and render every page.
    #[arg(long)]
    force: bool,
    /// Print only errors and warnings.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let started = Instant::now();
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| digest::default_output(&args.root));
    let options = BuildOptions {
        root: args.root.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        force: args.force,
        cache_dir: None,
    };
    match digest::build_to_dir(&options, &output) {
        Ok(report) => {
            print_warnings(&report.warnings);
            if !args.quiet {
                println!("{}", summary(&report, &output, started));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            print_failure(&err);
            ExitCode::FAILURE
        }
    }
}

fn summary(report: &BuildReport, output: &std::path::Path, started: Instant) -> String {
    let elapsed = started.elapsed().as_secs_f64();
    if report.up_to_date {
        return format!(
            "{} is up to date ({} files, checked in {elapsed:.2} s)",
            output.display(),
            report.files
        );
    }
    format!(
        "built {} files into {} in {elapsed:.2} s: {} written, {} unchanged, {} removed; {} articles ({} parsed)",
        report.files,
        output.display(),
        report.written.len(),
        report.files - report.written.len(),
        report.removed.len(),
        report.articles,
        report.parsed,
    )
}

fn print_warnings(warnings: &[Diagnostic]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

fn print_failure(err: &BuildError) {
    let diagnostics = err.diagnostics();
    for d in &diagnostics {
        eprintln!("{d}");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let noun = if errors == 1 { "error" } else { "errors" };
    eprintln!("build failed with {errors} {noun}; the output was not changed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
