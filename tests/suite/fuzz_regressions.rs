//! Inputs that once crashed or hung the content pipeline, found by fuzzing
//! (`fuzz/`) or by the bad-input suite, replayed exactly as the fuzz target
//! runs them: on a rendering thread's stack, every page rendered.

use crate::common::pipeline;

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
