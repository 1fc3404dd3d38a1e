//! Counting words, on every text of every page: the reading time and the listings show it.

/// `text.split_whitespace().count()`, 64 bytes at a time. A block without a byte that may
/// start a Unicode space (U+0085 and U+00A0 start with 0xC2, U+1680 with 0xE1, U+2000 to
/// U+205F with 0xE2, U+3000 with 0xE3) is counted as ASCII, with every other byte of a
/// character as part of a word; written as pairs of neighbouring bytes, the compiler turns
/// it into vector code. Other blocks are decoded where needed. Words are counted on every
/// text of every page: callgrind on the 1 000-page corpus counted 75 M of the build's
/// 1 296 M instructions in the byte-by-byte loop this replaces, and 29 M here.
pub(super) fn count_words(text: &str) -> usize {
    const BLOCK: usize = 64;
    // The ASCII characters `char::is_whitespace` accepts (U+000B too).
    let ascii_space = |b: u8| (b == b' ') | (b.wrapping_sub(b'\t') < 5);
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut after_space = true;
    let mut i = 0;
    while i < bytes.len() {
        let end = (i + BLOCK).min(bytes.len());
        let block = &bytes[i..end];
        let may_have_unicode_space = block.iter().fold(0u8, |seen, &b| {
            seen | u8::from((b == 0xC2) | (b.wrapping_sub(0xE1) < 3))
        }) != 0;
        if !may_have_unicode_space {
            words += usize::from(after_space && !ascii_space(block[0]));
            let starts: u32 = block
                .iter()
                .zip(&block[1..])
                .map(|(&a, &b)| u32::from(ascii_space(a) & !ascii_space(b)))
                .sum();
            words += starts as usize;
            after_space = ascii_space(block[block.len() - 1]);
            i = end;
            continue;
        }
        // A whole character at a time, so a character may end past the block.
        while i < end {
            let b = bytes[i];
            let space = if matches!(b, 0xC2 | 0xE1..=0xE3) {
                match text.get(i..).and_then(|rest| rest.chars().next()) {
                    Some(c) => {
                        i += c.len_utf8() - 1;
                        c.is_whitespace()
                    }
                    None => false,
                }
            } else {
                ascii_space(b)
            };
            words += usize::from(after_space && !space);
            after_space = space;
            i += 1;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "én",
            "to  ord",
            " støtte\ti\nsvangerskapet ",
            "a\u{a0}b\u{2003}c\u{3000}d\u{b}e\u{c}f\u{85}g",
            "ærlig – øl og ål…",
            "\u{feff}x y",
            "\u{200b}x\u{2028}y\u{1680}z \u{205f}",
            "«sitat» “sitat” ‘x’",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        // Long texts, shifted a byte at a time so that words, spaces and characters of
        // every length fall across the 64-byte blocks.
        for shift in 0..70 {
            let text = format!(
                "{}{}",
                "x".repeat(shift),
                " støtte\u{a0}og – “sitat”\u{3000}ord\u{2003}\tæ ".repeat(9)
            );
            assert_eq!(
                count_words(&text),
                text.split_whitespace().count(),
                "shift {shift}"
            );
        }
        // Every character up to U+FFFF between two letters, and alone after a space.
        for c in (0..=0xFFFFu32).filter_map(char::from_u32) {
            for text in [format!("a{c}b"), format!(" {c}"), format!("{c}{c} x")] {
                assert_eq!(
                    count_words(&text),
                    text.split_whitespace().count(),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }
}
