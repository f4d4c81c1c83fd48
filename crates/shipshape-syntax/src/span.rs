//! Byte ranges into a source text, and their conversion to 1-based line and column. The types
//! live in `shipshape-core` so every crate shares one [`Span`] and one line index.

pub use shipshape_core::text::{LineIndex, Position, Span};

/// 1-based line and column (in characters) of byte `offset` in `src`, for a single lookup; build
/// a [`LineIndex`] for many.
pub fn line_col(src: &str, offset: usize) -> (u32, u32) {
    let p = shipshape_core::text::position_of(src, offset);
    (p.line, p.column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_to_one_based_line_and_column() {
        let src = "FROM a\nRUN é x\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 7), (2, 1));
        // After the two-byte é the column counts one character.
        assert_eq!(line_col(src, 7 + 4 + 2 + 1), (2, 7));
        assert_eq!(line_col(src, 999), (3, 1));
    }
}
