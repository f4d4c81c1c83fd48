//! Logical lines: an instruction's text with continuations joined, and the map from offsets in
//! that text back to the source (kept in [`ShellForm`]'s segments).

use std::ops::Range;

use super::{Segment, ShellForm};
use crate::Span;

impl ShellForm {
    /// Joins the source ranges `pieces` (in order, non-overlapping, on character boundaries).
    pub(super) fn from_pieces(src: &str, pieces: &[Range<usize>]) -> ShellForm {
        // Sized once: a long RUN is dozens of pieces, and growing the text piece by piece
        // copied it over and over.
        let size = pieces.iter().map(|p| p.len()).sum();
        let mut text = String::with_capacity(size);
        let mut segments = Vec::with_capacity(pieces.len());
        for p in pieces {
            let Some(piece) = src.get(p.clone()) else {
                continue;
            };
            if piece.is_empty() {
                continue;
            }
            segments.push(Segment {
                logical: text.len(),
                source: p.start,
                len: piece.len(),
            });
            text.push_str(piece);
        }
        let span = match (segments.first(), segments.last()) {
            (Some(f), Some(l)) => Span::new(f.source, l.source + l.len),
            _ => Span::new(
                pieces.first().map_or(0, |p| p.start),
                pieces.first().map_or(0, |p| p.start),
            ),
        };
        ShellForm {
            text,
            span,
            segments,
        }
    }

    /// The part of this text in `range` (on character boundaries), with its own offsets.
    pub(super) fn sub(&self, range: Range<usize>) -> ShellForm {
        let start = range.start.min(self.text.len());
        let end = range.end.clamp(start, self.text.len());
        let mut segments = Vec::new();
        for s in &self.segments {
            let (a, b) = (s.logical.max(start), (s.logical + s.len).min(end));
            if a < b {
                segments.push(Segment {
                    logical: a - start,
                    source: s.source + (a - s.logical),
                    len: b - a,
                });
            }
        }
        let text = self.text.get(start..end).unwrap_or("").to_string();
        let span = self.source_span(start..end);
        ShellForm {
            text,
            span,
            segments,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup that starts from the last segment found gives what the binary search gives,
    /// from any starting segment, for every offset and both ends.
    #[test]
    fn nearby_lookups_equal_the_binary_search() {
        // Pieces of varied lengths with gaps (removed continuations), some one byte long.
        let src = "RUN a \\\n  bb \\\n c\\\n\\\n dddd \\\n e \\\n f";
        let mut pieces = Vec::new();
        let mut start = 4;
        for (i, c) in src.char_indices().skip(4) {
            if c == '\\' {
                pieces.push(start..i);
                start = i + 2;
            }
        }
        pieces.push(start..src.len());
        let form = ShellForm::from_pieces(src, &pieces);
        assert!(form.segments.len() >= 6);
        for hint in 0..=form.segments.len() + 2 {
            for logical in 0..=form.text.len() + 1 {
                for is_end in [false, true] {
                    let mut h = hint;
                    assert_eq!(
                        form.source_offset_near(logical, is_end, &mut h),
                        form.source_offset(logical, is_end),
                        "offset {logical}, end {is_end}, from segment {hint}"
                    );
                }
            }
        }
    }
}
