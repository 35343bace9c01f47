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
use digest::dates::Moment;
use digest::deploy::DeployOptions;
use digest::error::{BuildError, Diagnostic};
use digest::output::editions::Period;
use digest::serve::{Rebuild, ServeEvent, ServeOptions, Server};
use digest::tools;
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
    /// Start a new bilingual site in DIR (default: the current folder).
    Init(InitArgs),
    /// Start a story (one file per language, from an archetype), or the
    /// missing translation of one with --translate.
    New(NewArgs),
    /// Run every check of a build, writing nothing; exit 1 on errors.
    Check(CheckArgs),
    /// List every story, newest first, with its state in each language.
    List(ListArgs),
    /// The theme: `digest theme copy` writes the built-in one into themes/.
    Theme(ThemeArgs),
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
struct InitArgs {
    /// The folder to create the site in.
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(clap::Args, Debug)]
struct NewArgs {
    /// The story: <section>/<slug>, e.g. news/ceasefire-talks (a slug alone
    /// makes a standalone page).
    #[arg(required_unless_present = "translate", conflicts_with = "translate")]
    path: Option<String>,
    /// The languages to write, e.g. `--lang ar,en` [default: the site's
    /// default language; with --translate, every language it lacks].
    #[arg(long, value_delimiter = ',')]
    lang: Option<Vec<String>>,
    /// The headline: one for every language, or one per language of --lang
    /// (repeat the option) [default: made from the slug].
    #[arg(long, conflicts_with = "translate")]
    title: Vec<String>,
    /// Start the missing translation of this story file (same name, other
    /// language; topics and picture carried over, the title left empty).
    #[arg(long, value_name = "FILE")]
    translate: Option<PathBuf>,
    /// The site's folder, holding digest.yaml.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// For people.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// The site's folder, holding digest.yaml.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Check articles marked `draft: true` as `build --drafts` would.
    #[arg(long)]
    drafts: bool,
    /// Use this base URL instead of the configured one.
    #[arg(long)]
    base_url: Option<String>,
    /// Also check links to other sites (answers are kept for a day in
    /// .digest-cache/links.bin).
    #[arg(long)]
    external: bool,
    /// With --external: seconds each outside link may take.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    timeout: u64,
    /// How to print the problems: text, or one JSON object per problem.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args, Debug)]
struct ListArgs {
    /// The site's folder, holding digest.yaml.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Only stories with no version in this language: the to-translate queue.
    #[arg(long, value_name = "LANG")]
    missing: Option<String>,
    /// Only stories with a version dated later than now.
    #[arg(long)]
    scheduled: bool,
    /// Only stories with a version marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// text (one line per story), or one JSON object per story.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args, Debug)]
struct ThemeArgs {
    #[command(subcommand)]
    command: ThemeCommand,
}

#[derive(Subcommand, Debug)]
enum ThemeCommand {
    /// Write the built-in theme into themes/NAME/ to customise it; files
    /// already there are kept as they are.
    Copy {
        /// The theme folder's name.
        #[arg(default_value = "default")]
        name: String,
        /// The site's folder, holding digest.yaml.
        #[arg(long, short, default_value = ".")]
        root: PathBuf,
    },
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
    /// Include articles marked `draft: true`, marked as previews.
    #[arg(long)]
    drafts: bool,
    /// Include stories dated after the build's clock, marked as previews.
    #[arg(long)]
    future: bool,
    /// Build as if it were this time (read in the site's time zone, e.g.
    /// 2026-12-05T10:00): what is due then is published.
    #[arg(long, value_parser = Moment::parse, value_name = "TIME")]
    now: Option<Moment>,
    /// Fail the build on any warning (for CI).
    #[arg(long)]
    deny_warnings: bool,
    /// Ignore the build cache and render every page.
    #[arg(long)]
    force: bool,
    /// Print only errors.
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
    /// Include articles marked `draft: true`, marked as previews.
    /// (Stories scheduled for later are always shown, marked, and
    /// published by themselves when their time comes.)
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
        Command::Init(args) => init(args),
        Command::New(args) => new(args),
        Command::Check(args) => check(args),
        Command::List(args) => list_stories(args),
        Command::Theme(ThemeArgs {
            command: ThemeCommand::Copy { name, root },
        }) => theme_copy(&root, &name),
    }
}

fn init(args: InitArgs) -> ExitCode {
    let timezone = jiff::tz::TimeZone::system()
        .iana_name()
        .filter(|name| jiff::tz::TimeZone::get(name).is_ok())
        .unwrap_or("UTC")
        .to_string();
    match tools::init::init(&args.dir, &timezone, jiff::Timestamp::now()) {
        Ok(created) => {
            let dir = created.dir.display().to_string();
            say(format!("created a bilingual site in {dir}:"));
            for file in &created.files {
                say(format!("  {}", file.display()));
            }
            if let tools::init::GitIgnore::Extended(lines) = &created.gitignore {
                say(format!("added {} to .gitignore", lines.join(" and ")));
            }
            say("next:");
            if created.dir == std::path::Path::new(".") {
                say("  digest new news/first-story --title \"…\"");
            } else {
                say(format!("  cd {}", shell_word(&dir)));
            }
            say("  digest serve");
            ExitCode::SUCCESS
        }
        Err(d) => fail(&[d]),
    }
}

fn new(args: NewArgs) -> ExitCode {
    let now = jiff::Timestamp::now();
    let result = match (&args.translate, &args.path) {
        (Some(file), _) => tools::new::translate(&tools::new::Translate {
            root: args.root.clone(),
            file: file.clone(),
            langs: args.lang.clone(),
            now,
        }),
        (None, Some(path)) => tools::new::story(&tools::new::NewStory {
            root: args.root.clone(),
            path: path.clone(),
            langs: args.lang.clone(),
            titles: args.title.clone(),
            now,
        }),
        (None, None) => unreachable!("clap requires one of them"),
    };
    match result {
        Ok(created) => {
            for file in &created.files {
                say(file.display());
            }
            created.warnings.iter().for_each(say_err);
            if args.translate.is_some() {
                say_err(
                    "the title, the text and the picture's `alt` are left for the translator; the story stays a draft until `draft: true` is removed",
                );
            }
            ExitCode::SUCCESS
        }
        Err(problems) => fail(&problems.into_vec()),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let options = tools::check::CheckOptions {
        build: BuildOptions {
            root: args.root.clone(),
            base_url: args.base_url.clone(),
            drafts: args.drafts,
            ..BuildOptions::default()
        },
        external: args.external.then(|| tools::external::ExternalOptions {
            timeout: Duration::from_secs(args.timeout.max(1)),
            ..tools::external::ExternalOptions::default()
        }),
    };
    let report = tools::check::check(&options);
    match args.format {
        Format::Json => {
            for d in &report.problems {
                say(tools::check::json(d));
            }
        }
        Format::Text => {
            report.problems.iter().for_each(say_err);
            let links = report.external.as_ref().map_or(String::new(), |e| {
                format!(
                    ", {} outside {} ({} asked, the rest known from the last day)",
                    e.addresses,
                    plural(e.addresses, "link", "links"),
                    e.asked
                )
            });
            let (errors, warnings) = (report.errors(), report.warnings());
            if errors == 0 {
                say(format!(
                    "checked {} {} and {} files{links}: {}",
                    report.articles,
                    plural(report.articles, "article", "articles"),
                    report.files,
                    match warnings {
                        0 => "no problems".to_string(),
                        n => format!("{n} {}", plural(n, "warning", "warnings")),
                    }
                ));
            } else {
                say_err(format!(
                    "found {errors} {} and {warnings} {}{links}",
                    plural(errors, "error", "errors"),
                    plural(warnings, "warning", "warnings")
                ));
            }
        }
    }
    match report.errors() {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

fn list_stories(args: ListArgs) -> ExitCode {
    use std::io::IsTerminal;
    let options = tools::list::ListOptions {
        root: args.root.clone(),
        now: jiff::Timestamp::now(),
        missing: args.missing.clone(),
        scheduled: args.scheduled,
        drafts: args.drafts,
    };
    let listing = match tools::list::list(&options) {
        Ok(listing) => listing,
        Err(err) => return fail(&err.diagnostics().into_iter().cloned().collect::<Vec<_>>()),
    };
    listing.problems.iter().for_each(say_err);
    let stdout = std::io::stdout();
    let width = stdout.is_terminal().then(terminal_width).flatten();
    let text = match args.format {
        Format::Text => listing.text(width),
        Format::Json => listing.json_lines(),
    };
    // A closed pipe (`digest list | head`) is not an error.
    let _ = stdout.lock().write_all(text.as_bytes());
    match listing.problems.has_errors() {
        true => ExitCode::FAILURE,
        false => ExitCode::SUCCESS,
    }
}

/// The terminal's width in columns: `COLUMNS`, else what the terminal says.
fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    rustix::termios::tcgetwinsize(std::io::stdout())
        .ok()
        .map(|size| size.ws_col as usize)
        .filter(|w| *w > 0)
}

fn theme_copy(root: &std::path::Path, name: &str) -> ExitCode {
    match tools::theme::copy(root, name) {
        Ok(copied) => {
            let dir = copied.dir.display();
            match copied.written.len() {
                0 => say(format!(
                    "{dir} already has every file of the built-in theme; nothing written"
                )),
                n => say(format!(
                    "wrote {n} {} of the built-in theme into {dir}",
                    plural(n, "file", "files")
                )),
            }
            if !copied.kept.is_empty() && !copied.written.is_empty() {
                say(format!(
                    "kept {} {} already there",
                    copied.kept.len(),
                    plural(copied.kept.len(), "file", "files")
                ));
            }
            let configured = digest::config::Config::load(root).map(|c| c.theme);
            if configured.as_deref().is_ok_and(|theme| theme != name) {
                say(format!("to use it, set `theme: {name}` in digest.yaml"));
            }
            ExitCode::SUCCESS
        }
        Err(d) => fail(&[d]),
    }
}

/// Prints problems and fails.
fn fail(problems: &[Diagnostic]) -> ExitCode {
    problems.iter().for_each(say_err);
    ExitCode::FAILURE
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A path as a shell would need it typed.
fn shell_word(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_alphanumeric() || "-_./".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn newsletter(args: NewsletterArgs) -> ExitCode {
    let period = args.day.or(args.week).expect("clap requires one");
    let options = BuildOptions {
        root: args.root.clone(),
        base_url: args.base_url.clone(),
        drafts: false,
        future: false,
        now: None,
        deny_warnings: None,
        force: false,
        cache_dir: None,
        // Pictures processed by `digest build` are reused.
        picture_store: Some(digest::picture_store(&args.root)),
        // A message needs no search index: stale ones are left unbuilt.
        search_in_background: true,
    };
    let output = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(format!("newsletter-{}-{}.eml", args.lang, period.slug()))
    });
    let message = match digest::tools::newsletter::build_message(&options, &args.lang, &period) {
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
        future: args.future,
        now: args.now,
        deny_warnings: args.deny_warnings.then_some(true),
        force: args.force,
        cache_dir: None,
        picture_store: None,
        ..BuildOptions::default()
    };
    match digest::build_to_dir(&options, &output) {
        Ok(report) => {
            if !args.quiet {
                print_warnings(&report.warnings);
                println!("{}", summary(&report, &output, started));
                if let Some(scheduled) = &report.scheduled {
                    println!("{scheduled}");
                }
            }
            if args.timings {
                println!("stages: {}", report.timings);
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            print_failure(&err, args.quiet);
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
        "built {} files into {} in {elapsed:.2} s: {} written, {} unchanged, {} removed; {} articles ({} parsed), {} pictures processed",
        report.files,
        output.display(),
        report.written.len(),
        report.files - report.written.len(),
        report.removed.len(),
        report.articles,
        report.parsed,
        report.pictures,
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
    // What was last said of the scheduled stories: said again only when it changes.
    let scheduled = std::sync::Mutex::new(None::<String>);
    let printer = move |event: &ServeEvent| {
        print_event(event, timings);
        if let ServeEvent::Rebuilt(rebuild) = event
            && let Ok(report) = &rebuild.outcome
        {
            let note = report
                .scheduled
                .as_ref()
                .map(|s| format!("{s}: shown marked as previews, published here when due"));
            let mut last = scheduled.lock().unwrap_or_else(|e| e.into_inner());
            if note != *last {
                if let Some(note) = &note {
                    say(note);
                }
                *last = note;
            }
        }
    };
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

/// The errors of a failed build, then (unless `quiet`) its warnings.
fn print_failure(err: &BuildError, quiet: bool) {
    let diagnostics = err.diagnostics();
    for d in diagnostics.iter().filter(|d| d.is_error() || !quiet) {
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
