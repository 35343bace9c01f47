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
use digest::deploy::DeployOptions;
use digest::error::{BuildError, Diagnostic};
use digest::output::editions::Period;
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
    /// Publish the built site to a target of digest.yaml (S3, Google Cloud
    /// Storage, Azure, a folder), uploading only what changed.
    Deploy(DeployArgs),
    /// Write an edition's email as a ready multipart message (.eml: text
    /// and HTML, UTF-8) for the tool the newsroom sends with. digest itself
    /// sends nothing.
    Newsletter(NewsletterArgs),
}

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("period").required(true).args(["day", "week"])))]
struct NewsletterArgs {
    /// The site's folder, holding digest.yaml.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// The edition's language (`ar`, `en`).
    #[arg(long)]
    lang: String,
    /// The daily edition of this day, in the site's time zone (2021-12-10).
    #[arg(long, value_parser = Period::parse_day)]
    day: Option<Period>,
    /// The weekly edition of this ISO week (2021-W49).
    #[arg(long, value_parser = Period::parse_week)]
    week: Option<Period>,
    /// Where to write the message [default: newsletter-<lang>-<period>.eml]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Use this base URL instead of the configured one.
    #[arg(long)]
    base_url: Option<String>,
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

#[derive(clap::Args, Debug)]
struct DeployArgs {
    /// The target's name under `deploy:` in digest.yaml (may be left out
    /// when there is only one).
    target: Option<String>,
    /// The site's folder, holding digest.yaml.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// The built site to publish [default: <root>/public]
    #[arg(long)]
    public: Option<PathBuf>,
    /// Print what would be uploaded and deleted, and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Keep the objects of the target that the site no longer has.
    #[arg(long)]
    no_delete: bool,
    /// Write the changed addresses to FILE, one a line, for a CDN purge.
    #[arg(long, value_name = "FILE")]
    purge_list: Option<PathBuf>,
    /// How many uploads run at once.
    #[arg(long, short, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
    /// Print every file uploaded and deleted.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Serve(args) => serve(args),
        Command::Deploy(args) => deploy(args),
        Command::Newsletter(args) => newsletter(args),
    }
}

fn newsletter(args: NewsletterArgs) -> ExitCode {
    let period = args.day.or(args.week).expect("clap requires one");
    let options = BuildOptions {
        root: args.root.clone(),
        base_url: args.base_url.clone(),
        drafts: false,
        force: false,
        cache_dir: None,
    };
    let output = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(format!("newsletter-{}-{}.eml", args.lang, period.slug()))
    });
    let message = match digest::newsletter::build_message(&options, &args.lang, &period) {
        Ok(message) => message,
        Err(err) => {
            for d in &err.diagnostics() {
                eprintln!("{d}");
            }
            eprintln!("no message was written");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = std::fs::write(&output, &message) {
        eprintln!("error: could not write {}: {err}", output.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {} ({} KB): the {} edition of {}",
        output.display(),
        message.len().div_ceil(1000),
        args.lang,
        period.slug()
    );
    ExitCode::SUCCESS
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

fn deploy(args: DeployArgs) -> ExitCode {
    let config = match digest::config::Config::load(&args.root) {
        Ok(config) => config,
        Err(problems) => {
            problems.iter().for_each(|d| eprintln!("{d}"));
            eprintln!("the configuration has errors; nothing was deployed");
            return ExitCode::FAILURE;
        }
    };
    let options = DeployOptions {
        public: args
            .public
            .clone()
            .unwrap_or_else(|| digest::default_output(&args.root)),
        target: args.target.clone(),
        dry_run: args.dry_run,
        delete: !args.no_delete,
        jobs: usize::from(args.jobs),
    };
    let progress = DeployProgress::new(args.verbose, args.dry_run);
    let outcome = digest::deploy::deploy(&config, &options, &|event| progress.show(event));
    progress.finish();
    let report = match outcome {
        Ok(report) => report,
        Err(diagnostic) => {
            eprintln!("{diagnostic}");
            return ExitCode::FAILURE;
        }
    };
    if report.dry_run {
        say("dry run: nothing was changed");
        return ExitCode::SUCCESS;
    }
    say(format!(
        "deployed to {} in {}: {} uploaded ({}), {} deleted, {} unchanged; {} requests, {} sent",
        report.target,
        duration(report.elapsed),
        report.uploaded,
        bytes(report.bytes),
        report.deleted,
        report.unchanged,
        report.traffic.requests,
        bytes(report.traffic.bytes_sent),
    ));
    if report.kept > 0 {
        say(format!(
            "kept {} objects the site no longer has (--no-delete)",
            report.kept
        ));
    }
    let mut status = ExitCode::SUCCESS;
    if !report.purge.is_empty() {
        say(format!("changed addresses ({}):", report.purge.len()));
        let shown = if args.verbose || args.purge_list.is_none() {
            report.purge.len()
        } else {
            report.purge.len().min(100)
        };
        report.purge[..shown]
            .iter()
            .for_each(|url| say(format!("  {url}")));
        if shown < report.purge.len() {
            say(format!("  … and {} more", report.purge.len() - shown));
        }
    }
    if let Some(file) = &args.purge_list {
        let mut text = report.purge.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        if let Err(err) = std::fs::write(file, text) {
            eprintln!("error: could not write {}: {err}", file.display());
            status = ExitCode::FAILURE;
        }
    }
    if let Some(why) = &report.purge_error {
        eprintln!("error: {why}; the site is deployed, but the CDN was not told what changed");
        status = ExitCode::FAILURE;
    }
    status
}

/// Shows a deploy's progress: a bar on a terminal, plain lines otherwise.
struct DeployProgress {
    bar: Option<indicatif::ProgressBar>,
    verbose: bool,
    dry_run: bool,
    state: std::sync::Mutex<StepState>,
}

#[derive(Default)]
struct StepState {
    name: &'static str,
    files: usize,
    bytes: u64,
    done_files: usize,
    done_bytes: u64,
    last_line: Option<Instant>,
}

impl DeployProgress {
    fn new(verbose: bool, dry_run: bool) -> DeployProgress {
        use std::io::IsTerminal;
        let bar = (std::io::stderr().is_terminal() && !verbose).then(|| {
            let bar = indicatif::ProgressBar::hidden();
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>10} [{bar:30}] {msg} · {binary_bytes}/{binary_total_bytes} · {elapsed}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar
        });
        DeployProgress {
            bar,
            verbose,
            dry_run,
            state: std::sync::Mutex::new(StepState::default()),
        }
    }

    fn show(&self, event: &digest::deploy::Event) {
        use digest::deploy::Event;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Event::Planned { plan, site } => {
                let mut lines = vec![format!("plan: {}", plan.summary())];
                if self.dry_run || self.verbose {
                    let shown = if self.verbose { usize::MAX } else { 20 };
                    let uploads = plan.uploads.iter().map(|(i, change)| {
                        let why = match change {
                            digest::deploy::Change::New => "new",
                            digest::deploy::Change::Changed => "changed",
                        };
                        format!("  upload {} ({why})", site.files[*i].key)
                    });
                    lines.extend(cut(uploads, plan.uploads.len(), shown));
                    let deletes = plan.deletes.iter().map(|key| format!("  delete {key}"));
                    lines.extend(cut(deletes, plan.deletes.len(), shown));
                }
                for line in lines {
                    match &self.bar {
                        Some(bar) => bar.println(line),
                        None => say(line),
                    }
                }
            }
            Event::Step {
                name,
                files,
                bytes: total,
            } => {
                *state = StepState {
                    name,
                    files: *files,
                    bytes: *total,
                    ..StepState::default()
                };
                match &self.bar {
                    Some(bar) => {
                        bar.set_prefix(*name);
                        bar.set_length(*total);
                        bar.set_position(0);
                        bar.set_message(format!("0/{files} files"));
                    }
                    None if *total > 0 => say(format!("{name}: {files} files, {}", bytes(*total))),
                    None => say(format!("{name}: {files} files")),
                }
            }
            Event::Uploaded { key, bytes: size } => {
                state.done_files += 1;
                state.done_bytes += size;
                self.step_progress(&mut state);
                if self.verbose {
                    say(format!("  uploaded {key} ({})", bytes(*size)));
                }
            }
            Event::Deleted { key } => {
                state.done_files += 1;
                self.step_progress(&mut state);
                if self.verbose {
                    say(format!("  deleted {key}"));
                }
            }
        }
    }

    /// The bar moves with every file; plain output says where a long step
    /// is every five seconds.
    fn step_progress(&self, state: &mut StepState) {
        if let Some(bar) = &self.bar {
            bar.set_position(state.done_bytes);
            bar.set_message(format!("{}/{} files", state.done_files, state.files));
            return;
        }
        let now = Instant::now();
        let due = state
            .last_line
            .is_none_or(|last| now.duration_since(last) >= Duration::from_secs(5));
        if !self.verbose && due && state.done_files < state.files {
            if state.last_line.is_some() {
                say(format!(
                    "{}: {}/{} files, {}/{}",
                    state.name,
                    state.done_files,
                    state.files,
                    bytes(state.done_bytes),
                    bytes(state.bytes)
                ));
            }
            state.last_line = Some(now);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The first `shown` of `total` lines, then how many more.
fn cut(lines: impl Iterator<Item = String>, total: usize, shown: usize) -> Vec<String> {
    let mut out: Vec<String> = lines.take(shown).collect();
    if total > out.len() {
        out.push(format!("  … and {} more", total - out.len()));
    }
    out
}

/// `12.3 kB`, `4.5 MB`
fn bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
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
