//! Logical lines: an instruction's text with continuations joined, and the map from offsets in
//! that text back to the source (kept in [`ShellForm`]'s segments).

use std::ops::Range;

use super::{Segment, ShellForm};
use crate::Span;

impl ShellForm {
    /// Joins the source ranges `pieces` (in order, non-overlapping, on character boundaries).
    pub(super) fn from_pieces(src: &str, pieces: &[Range<usize>]) -> ShellForm {
        let mut text = String::new();
        let mut segments = Vec::new();
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
