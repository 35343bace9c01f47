//! The `digest` command line: the only part of digest that talks to the user.

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

/// Rendering allocates and frees many short-lived buffers on every core;
/// mimalloc keeps that cheap (glibc's allocator spends a fifth of a build
/// in malloc/free and page faults).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use digest::error::{BuildError, Diagnostic};
use digest::serve::{Rebuild, ServeEvent, ServeOptions, Server};
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
    /// Preview the site at a local address, rebuilding and reloading the
    /// browser on every save. Never writes to public/.
    Serve(ServeArgs),
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
    /// Print how long each stage took.
    #[arg(long)]
    timings: bool,
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// The site's folder, holding digest.yaml.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// The port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// The address to listen on; anything but a loopback address makes the
    /// preview (drafts included) reachable from other machines.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Print how long each stage of every rebuild took.
    #[arg(long)]
    timings: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Serve(args) => serve(args),
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
        ..BuildOptions::default()
    };
    match digest::build_to_dir(&options, &output) {
        Ok(report) => {
            print_warnings(&report.warnings);
            if !args.quiet {
                println!("{}", summary(&report, &output, started));
            }
            if args.timings {
                println!("stages: {}", report.timings);
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
    let mut line = format!(
        "built {} files into {} in {elapsed:.2} s: {} written, {} unchanged, {} removed; {} articles ({} parsed)",
        report.files,
        output.display(),
        report.written.len(),
        report.files - report.written.len(),
        report.removed.len(),
        report.articles,
        report.parsed,
    );
    if !report.indexed.is_empty() {
        line.push_str(&format!(
            "; search index built for {}",
            report.indexed.join(", ")
        ));
    }
    line
}

fn serve(args: ServeArgs) -> ExitCode {
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the preview, drafts included; --bind 127.0.0.1 keeps it local",
            args.bind
        );
    }
    let options = ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        ..ServeOptions::default()
    };
    let timings = args.timings;
    let printer = move |event: &ServeEvent| print_event(event, timings);
    let server = match Server::start(&options, Arc::new(printer)) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("serving {} (press Ctrl-C to stop)", server.url());
    if args.open
        && let Err(err) = open::that_detached(server.url())
    {
        eprintln!("warning: could not open a browser: {err}");
    }
    match server.wait() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: the server stopped: {err}");
            ExitCode::FAILURE
        }
    }
}

fn print_event(event: &ServeEvent, timings: bool) {
    match event {
        ServeEvent::Rebuilt(rebuild) => {
            print_rebuild(rebuild);
            if let (true, Ok(report)) = (timings, &rebuild.outcome) {
                say(format!("stages: {}", report.timings));
            }
        }
        ServeEvent::Trouble(why) => say_err(format!("warning: {why}")),
        ServeEvent::Indexed {
            lang,
            outcome,
            elapsed,
        } => match outcome {
            Ok(written) => say(format!(
                "search index of the {lang} edition updated in {} ({written} files written)",
                duration(*elapsed)
            )),
            Err(d) => {
                say_err(d);
                say_err(format!(
                    "the search index of the {lang} edition was not updated; search shows the last one"
                ));
            }
        },
    }
}

/// Prints a line; a closed terminal or pipe must not stop the server.
fn say(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

fn say_err(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn print_rebuild(rebuild: &Rebuild) {
    if !rebuild.changed.is_empty() {
        let changed: Vec<String> = rebuild
            .changed
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        say(format!("changed: {}", list(&changed, 5)));
    }
    let took = duration(rebuild.elapsed);
    match &rebuild.outcome {
        Ok(report) => {
            report.warnings.iter().for_each(say_err);
            say(rebuild_summary(report, &took));
        }
        Err(err) => {
            err.diagnostics().iter().for_each(say_err);
            let errors = err.diagnostics().iter().filter(|d| d.is_error()).count();
            let noun = if errors == 1 { "error" } else { "errors" };
            say_err(format!(
                "build failed with {errors} {noun} in {took}; still serving the last good site"
            ));
        }
    }
}

fn rebuild_summary(report: &BuildReport, took: &str) -> String {
    if report.up_to_date || (report.written.is_empty() && report.removed.is_empty()) {
        return format!(
            "nothing to update ({} files, checked in {took})",
            report.files
        );
    }
    let mut line = format!(
        "built in {took}: {} of {} files updated",
        report.written.len(),
        report.files
    );
    if !report.written.is_empty() {
        line.push_str(&format!(" ({})", list(&report.written, 5)));
    }
    if !report.removed.is_empty() {
        line.push_str(&format!("; removed {}", list(&report.removed, 5)));
    }
    line
}

/// The first `shown` items, then how many more.
fn list(items: &[String], shown: usize) -> String {
    let mut text = items[..items.len().min(shown)].join(", ");
    if items.len() > shown {
        text.push_str(&format!(" and {} more", items.len() - shown));
    }
    text
}

fn duration(elapsed: Duration) -> String {
    if elapsed < Duration::from_secs(1) {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.2} s", elapsed.as_secs_f64())
    }
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

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let items: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(list(&items, 5), "a, b, c");
        assert_eq!(list(&items, 2), "a, b and 1 more");
    }
}
