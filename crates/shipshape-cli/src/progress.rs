//! A progress bar on stderr for long scans, fed from the scan's counters by a small thread. The
//! libraries never draw anything themselves.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use shipshape_secrets::Progress;

/// A progress bar on stderr, fed from the scan's counters by a small thread.
pub(crate) struct Bar {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Bar {
    pub(crate) fn start(progress: Arc<Progress>, enabled: bool) -> Bar {
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled {
            return Bar { stop, thread: None };
        }
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            let started = std::time::Instant::now();
            while !flag.load(Ordering::Relaxed) {
                let what = progress.stage().noun();
                let mib = progress.bytes.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
                let secs = started.elapsed().as_secs_f64().max(0.001);
                bar.set_length(progress.total.load(Ordering::Relaxed));
                bar.set_position(progress.done.load(Ordering::Relaxed));
                bar.set_message(format!("{what}, {mib:.0} MiB at {:.0} MiB/s", mib / secs));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        Bar {
            stop,
            thread: Some(thread),
        }
    }

    pub(crate) fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
