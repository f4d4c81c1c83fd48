//! Start-up work split over the machine's cores with scoped threads: compiling the built-in
//! rules and probing their examples. Plain threads, not the rayon pool: this runs inside
//! once-only initialisers, and a rayon worker that waits on one while the initialiser's own
//! jobs queue behind it would never wake.

/// `f` over `0..n`, results in index order.
pub(crate) fn map_indices<U: Send>(n: usize, f: impl Fn(usize) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(n / 16)
        .max(1);
    if threads == 1 {
        return (0..n).map(f).collect();
    }
    let chunk = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let range = (t * chunk).min(n)..((t + 1) * chunk).min(n);
                s.spawn(move || range.map(f).collect::<Vec<U>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_indices() {
        for n in [0, 1, 15, 16, 17, 100, 311] {
            let got = super::map_indices(n, |i| i * 2);
            assert_eq!(got, (0..n).map(|i| i * 2).collect::<Vec<_>>());
        }
    }
}
