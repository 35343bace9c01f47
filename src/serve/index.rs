//! Search indexes, built in the background while the preview is served.
//!
//! Building an edition's index takes seconds at thousands of stories; a
//! save must not wait for it. Builds leave stale indexes to the
//! [`Indexer`]: one thread, at the lowest scheduling priority and with a
//! rayon pool of its own, so that rebuilds (which use the global pool)
//! keep the cores whenever they want them. It builds one index at a time,
//! the newest job of each edition (a job superseded while it waited is
//! dropped), and hands each built bundle back to the rebuild loop, which
//! publishes it between builds.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::error::Diagnostic;
use crate::search::{Built, Job};

/// A finished job.
pub(super) struct Indexed {
    pub lang: String,
    pub outcome: Result<Built, Diagnostic>,
    pub elapsed: Duration,
}

/// Jobs waiting, and whether the server is stopping.
#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// The job being run: its edition and input fingerprint.
    running: Option<(String, u128)>,
    stopping: bool,
}

/// The background indexer; stopped when dropped.
pub(super) struct Indexer {
    queue: Arc<(Mutex<Queue>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Indexer {
    /// Starts the indexer's thread; built bundles arrive on the receiver.
    pub fn start() -> (Indexer, UnboundedReceiver<Indexed>) {
        let queue: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let (done, results) = unbounded_channel();
        let shared = queue.clone();
        let thread = std::thread::Builder::new()
            .name("digest-index".into())
            .spawn(move || run(&shared, &done))
            .ok();
        (Indexer { queue, thread }, results)
    }

    /// Queues jobs. A job replaces a waiting one of the same edition; a job
    /// for what is being indexed right now is not queued again.
    pub fn submit(&self, jobs: Vec<Job>) {
        if jobs.is_empty() {
            return;
        }
        let (lock, wake) = &*self.queue;
        let mut queue = lock.lock().expect("not poisoned");
        for job in jobs {
            let lang = job.lang.to_string();
            queue.jobs.retain(|j| j.lang != job.lang);
            if queue.running.as_ref() != Some(&(lang, job.input)) {
                queue.jobs.push_back(job);
            }
        }
        wake.notify_one();
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.queue;
        lock.lock().expect("not poisoned").stopping = true;
        wake.notify_one();
        // The thread is left to finish the index it is building; nothing
        // waits for it.
        drop(self.thread.take());
    }
}

fn run(queue: &(Mutex<Queue>, Condvar), done: &UnboundedSender<Indexed>) {
    lower_priority();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("digest-index-{i}"))
        .build();
    let (lock, wake) = queue;
    loop {
        let job = {
            let mut q = lock.lock().expect("not poisoned");
            q.running = None;
            loop {
                if q.stopping {
                    return;
                }
                if let Some(job) = q.jobs.pop_front() {
                    q.running = Some((job.lang.to_string(), job.input));
                    break job;
                }
                q = wake.wait(q).expect("not poisoned");
            }
        };
        let lang = job.lang.to_string();
        let started = Instant::now();
        let outcome = match &pool {
            Ok(pool) => pool.install(|| job.run()),
            Err(_) => job.run(),
        };
        let indexed = Indexed {
            lang,
            outcome,
            elapsed: started.elapsed(),
        };
        if done.send(indexed).is_err() {
            return;
        }
    }
}

/// Makes this thread, and the threads it starts, yield the cores to
/// anything else that wants them (nice 19).
fn lower_priority() {
    let me = rustix::thread::gettid();
    // Best effort: at normal priority indexing still works, only slower
    // saves while it runs.
    let _ = rustix::process::setpriority_process(Some(me), 19);
}
