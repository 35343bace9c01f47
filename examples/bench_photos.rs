//! Photographs for the picture benchmark (`bench/pictures.py`): COUNT
//! JPEGs of 4,000 × 3,000 with a photograph's statistics and a camera's
//! metadata, `photo-FIRST.jpg` onwards, each made from its number, so every
//! run measures the same pictures.
//!
//!     cargo run --release --example bench_photos -- OUT COUNT [FIRST]

#[path = "../tests/suite/common/pictures.rs"]
mod pictures;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, count, rest @ ..] = args.as_slice() else {
        eprintln!("usage: bench_photos OUT COUNT [FIRST]");
        std::process::exit(2);
    };
    let count: u32 = count.parse().expect("COUNT is a number");
    let first: u32 = rest
        .first()
        .map_or(0, |f| f.parse().expect("FIRST is a number"));
    std::fs::create_dir_all(out).expect("the output folder");
    (first..first + count).into_par_iter().for_each(|n| {
        let photo = pictures::photograph(4000, 3000, n);
        let jpeg = pictures::with_camera_metadata(&pictures::jpeg(&photo, 90), 1);
        std::fs::write(format!("{out}/photo-{n:03}.jpg"), jpeg).expect("written");
    });
}
