//! Inputs that once crashed or hung the content pipeline or a stage, found
//! by fuzzing (`fuzz/`) or by the bad-input suite, replayed exactly as the
//! fuzz targets run them: the whole pipeline on a rendering thread's stack,
//! every page rendered; each stage through `common::stages`.

use crate::common::{pipeline, stages};

/// The inputs kept for the fuzz target `target`, sorted.
fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join("fuzz/regressions").join(target);
    let mut inputs: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    inputs.sort();
    inputs
}

#[test]
fn every_stage_regression_input_runs_through_its_stage() {
    // Each file under fuzz/regressions/<stage>/ runs through that stage,
    // and every stage has a fuzz target, and every regression folder a stage.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let stages = stages::Stages::new(repo);
    for stage in stages::STAGES {
        assert!(
            repo.join("fuzz/fuzz_targets")
                .join(format!("{stage}.rs"))
                .is_file(),
            "no fuzz target for {stage}"
        );
        for input in inputs(stage) {
            eprintln!("{}", input.display());
            let bytes = std::fs::read(&input).unwrap();
            std::thread::scope(|scope| {
                let worker = std::thread::Builder::new()
                    .stack_size(2 << 20)
                    .spawn_scoped(scope, || stages.run(stage, &bytes))
                    .unwrap();
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            });
        }
    }
    for entry in std::fs::read_dir(repo.join("fuzz/regressions")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name == "content_pipeline" || stages::STAGES.contains(&name.as_str()),
            "fuzz/regressions/{name} is no fuzz target's"
        );
    }
}

#[test]
fn every_regression_input_runs_through_the_pipeline() {
    // Each file under fuzz/regressions/content_pipeline/ parses, renders and stays inert.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let pipeline = pipeline::Pipeline::new(repo);
    let dir = repo.join("fuzz/regressions/content_pipeline");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    for input in inputs {
        eprintln!("{}", input.display());
        pipeline.run_on_worker_stack(&std::fs::read(&input).unwrap());
    }
}
