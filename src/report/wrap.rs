//! Breaking text into lines at spaces, never inside a word: an address, an ID, a reason code
//! or a DNS server label stays whole on one line, even when it is wider than the line.

use unicode_width::UnicodeWidthStr;

/// How many terminal columns `text` takes (the measure every table column is sized by).
pub(crate) fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// The widest word of `text`: the narrowest it can be wrapped to without splitting a word.
pub(crate) fn longest_word(text: &str) -> usize {
    text.split(' ').map(width).max().unwrap_or(0)
}

/// Whether a word is shown as good news (green), bad news (red) or neither, on a terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Tone {
    #[default]
    Plain,
    Good,
    Bad,
}

impl Tone {
    fn paint(self, out: &mut String, word: &str, color: bool) {
        let code = match (color, self) {
            (false, _) | (true, Tone::Plain) => None,
            (true, Tone::Good) => Some("\u{1b}[32m"),
            (true, Tone::Bad) => Some("\u{1b}[31m"),
        };
        match code {
            Some(code) => {
                out.push_str(code);
                out.push_str(word);
                out.push_str("\u{1b}[39m");
            }
            None => out.push_str(word),
        }
    }
}

/// A word and the spaces before it; a line may break only at those spaces.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<'a> {
    pub sep: &'a str,
    pub word: &'a str,
    pub tone: Tone,
}

/// Marks that read as the end of what comes before them (`public · blocked`, `node-a: CODE —
/// source …`), so a line breaks after them rather than starting with one.
fn is_trailing_mark(word: &str) -> bool {
    matches!(word, "·" | "—")
}

/// `text` as pieces for lines of `width` columns whose continuation lines start at `indent`.
/// A `·` or `—` is kept with the word before it when the two fit on a continuation line.
pub(crate) fn pieces(text: &str, tone: Tone, width: usize, indent: usize) -> Vec<Piece<'_>> {
    let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // (sep start, word start, word end)
    let mut rest = text;
    let mut offset = 0;
    while !rest.is_empty() {
        let word_start = rest.len() - rest.trim_start_matches(' ').len();
        let after_sep = rest.get(word_start..).unwrap_or_default();
        let word_len = after_sep.find(' ').unwrap_or(after_sep.len());
        if word_len == 0 {
            break; // trailing spaces
        }
        spans.push((offset, offset + word_start, offset + word_start + word_len));
        offset += word_start + word_len;
        rest = text.get(offset..).unwrap_or_default();
    }
    let mut glued: Vec<(usize, usize, usize)> = Vec::with_capacity(spans.len());
    for (sep, start, end) in spans {
        let word = text.get(start..end).unwrap_or_default();
        if let Some(previous) = glued.last_mut()
            && is_trailing_mark(word)
            && text
                .get(previous.1..end)
                .is_some_and(|both| indent + self::width(both) <= width)
        {
            previous.2 = end;
            continue;
        }
        glued.push((sep, start, end));
    }
    glued
        .into_iter()
        .map(|(sep, start, end)| Piece {
            sep: text.get(sep..start).unwrap_or_default(),
            word: text.get(start..end).unwrap_or_default(),
            tone,
        })
        .collect()
}

/// Fills lines of at most `width` columns with pieces, breaking only between them. A
/// continuation line starts at `indent`, or further left when that is what it takes to fit
/// its first word; a word wider than the whole line gets a line of its own.
#[derive(Debug)]
pub(crate) struct Filler {
    width: usize,
    indent: usize,
    color: bool,
    lines: Vec<String>,
    line: String,
    used: usize,
    started: bool,
}

impl Filler {
    pub(crate) fn new(width: usize, indent: usize, color: bool) -> Filler {
        Filler {
            width,
            indent,
            color,
            lines: Vec::new(),
            line: String::new(),
            used: 0,
            started: false,
        }
    }

    pub(crate) fn push(&mut self, piece: Piece<'_>) {
        let (sep, word) = (width(piece.sep), width(piece.word));
        if self.started && self.used + sep + word <= self.width {
            self.line.push_str(piece.sep);
            self.used += sep;
        } else {
            let wanted = if self.started { self.indent } else { sep };
            let indent = wanted.min(self.width.saturating_sub(word));
            if self.started {
                self.lines.push(std::mem::take(&mut self.line));
            }
            self.line = " ".repeat(indent);
            self.used = indent;
            self.started = true;
        }
        piece.tone.paint(&mut self.line, piece.word, self.color);
        self.used += word;
    }

    pub(crate) fn extend<'a>(&mut self, pieces: impl IntoIterator<Item = Piece<'a>>) {
        for piece in pieces {
            self.push(piece);
        }
    }

    /// The lines filled, without line ends (one empty line when nothing was pushed).
    pub(crate) fn finish(mut self) -> Vec<String> {
        self.lines.push(self.line);
        self.lines
    }
}

/// `text` wrapped to `width` columns, continuation lines indented by `indent`.
pub(crate) fn lines(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut filler = Filler::new(width, indent, false);
    filler.extend(pieces(text, Tone::Plain, width, indent));
    filler.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_only_at_spaces_and_keeps_every_word_whole() {
        let text = "route table rt-core of ENI subnet subnet-a has no route back to 10.120.1.30";
        let wrapped = lines(text, 20, 2);
        assert_eq!(
            wrapped,
            [
                "route table rt-core",
                "  of ENI subnet",
                "  subnet-a has no",
                "  route back to",
                "  10.120.1.30",
            ]
        );
        assert_eq!(
            wrapped.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split(' ').collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_word_wider_than_the_line_gets_a_line_of_its_own_at_the_margin() {
        let name = "FDB3C1024A596948EE16D5F427CC68B0.gr7.eu-west-2.eks.amazonaws.com";
        let wrapped = lines(&format!("mode private · endpoint {name}"), 40, 4);
        assert_eq!(wrapped, ["mode private · endpoint", name]);
    }

    #[test]
    fn a_continuation_line_moves_left_to_fit_its_word() {
        assert_eq!(lines("a 12345678", 9, 4), ["a", " 12345678"]);
    }

    #[test]
    fn a_middle_dot_ends_a_line_rather_than_starting_one() {
        assert_eq!(
            lines("public · blocked: NO_ROUTE", 10, 0),
            ["public ·", "blocked:", "NO_ROUTE"]
        );
    }

    #[test]
    fn leading_and_inner_runs_of_spaces_are_kept_on_a_line() {
        assert_eq!(lines("  error   EKS013 x", 80, 4), ["  error   EKS013 x"]);
        assert_eq!(lines("name  (file.yaml)  ", 80, 2), ["name  (file.yaml)"]);
    }

    #[test]
    fn colour_codes_take_no_columns() {
        let mut filler = Filler::new(12, 0, true);
        filler.extend(pieces("blocked: NO_ROUTE", Tone::Bad, 12, 0));
        assert_eq!(
            filler.finish(),
            [
                "\u{1b}[31mblocked:\u{1b}[39m",
                "\u{1b}[31mNO_ROUTE\u{1b}[39m"
            ]
        );
    }

    #[test]
    fn the_longest_word_is_the_narrowest_wrap() {
        assert_eq!(longest_word("10.10.0.2 (AmazonProvidedDNS, vpc-web)"), 19);
        assert_eq!(longest_word(""), 0);
    }
}
