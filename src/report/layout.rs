//! Fitting a flow table to the terminal without splitting a word: the table as it is when it
//! fits; else the table with its cells wrapped at spaces, when every column can still hold
//! its widest word; else one record per row (`admin` / `  source   192.168.1.20` / …).

use super::Style;
use super::wrap::{self, Filler, Tone};
use crate::escape;

/// One cell of a [`Grid`]: its words and how they are coloured on a terminal.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub(crate) fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            tone: Tone::Plain,
        }
    }

    pub(crate) fn toned(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            tone,
        }
    }
}

/// A table before it is laid out: a header, and rows whose first cell names the row.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Columns a `UTF8_FULL_CONDENSED` table takes besides its content: a border on either
/// side, one separator between columns, and one space of padding each side of a cell.
fn table_width(columns: &[usize]) -> usize {
    columns.iter().sum::<usize>() + 3 * columns.len() + 1
}

impl Grid {
    /// Each column's width by `measure` of its header and cells (at least 1).
    fn columns(&self, measure: fn(&str) -> usize) -> Vec<usize> {
        let mut widths: Vec<usize> = self.header.iter().map(|text| measure(text)).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(measure(&cell.text));
            }
        }
        widths.iter().map(|&width| width.max(1)).collect()
    }

    /// The grid laid out for `style`, without a final line end. Text from the input is
    /// escaped here, before any width is measured, so columns fit what is printed.
    pub(crate) fn render(&self, style: Style) -> String {
        self.escaped().layout(style)
    }

    /// The grid with every header and cell through [`escape::text`].
    fn escaped(&self) -> Grid {
        Grid {
            header: self
                .header
                .iter()
                .map(|text| escape::text(text).into_owned())
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|cell| Cell::toned(escape::text(&cell.text), cell.tone))
                        .collect()
                })
                .collect(),
        }
    }

    fn layout(&self, style: Style) -> String {
        let Some(limit) = style.wrap_width() else {
            return self.table(style, None);
        };
        let natural = self.columns(wrap::width);
        if table_width(&natural) <= limit {
            return self.table(style, None);
        }
        let narrowest = self.columns(wrap::longest_word);
        if table_width(&narrowest) <= limit {
            let widths = self.share(&natural, narrowest, limit);
            return self.table(style, Some(&widths));
        }
        self.records(style, limit)
    }

    /// How many lines each cell of `column` (its header first) takes at `width`.
    fn heights(&self, column: usize, width: usize) -> Vec<usize> {
        let header = self.header.get(column).map(String::as_str);
        let cells = self
            .rows
            .iter()
            .map(|row| row.get(column).map(|cell| cell.text.as_str()));
        std::iter::once(header)
            .chain(cells)
            .map(|text| text.map_or(1, |text| wrap::lines(text, width, 0).len()))
            .collect()
    }

    /// Column widths from the narrowest towards the natural ones within `limit`: step by
    /// step, the column that shortens the table most per column given, then the one that
    /// saves most wrapped lines; space that shortens nothing is left unused.
    fn share(&self, natural: &[usize], mut widths: Vec<usize>, limit: usize) -> Vec<usize> {
        let mut spare = limit.saturating_sub(table_width(&widths));
        let mut heights: Vec<Vec<usize>> = widths
            .iter()
            .enumerate()
            .map(|(column, &width)| self.heights(column, width))
            .collect();
        loop {
            let now = Score::of(&heights);
            // (column, its new width, its new heights, lines saved, columns given)
            let mut best: Option<(usize, usize, Vec<usize>, Score, usize)> = None;
            for (column, (&from, &most)) in widths.iter().zip(natural).enumerate() {
                for width in from + 1..=most.min(from + spare) {
                    let trial = self.heights(column, width);
                    let mut with = heights.clone();
                    if let Some(slot) = with.get_mut(column) {
                        *slot = trial.clone();
                    }
                    let saved = now.minus(Score::of(&with));
                    if saved.is_nothing() {
                        continue;
                    }
                    let cost = width - from;
                    if best
                        .as_ref()
                        .is_none_or(|best| saved.per(cost).beats(best.3.per(best.4)))
                    {
                        best = Some((column, width, trial, saved, cost));
                    }
                    break;
                }
            }
            let Some((column, width, trial, _, cost)) = best else {
                break;
            };
            if let (Some(slot), Some(lines)) = (widths.get_mut(column), heights.get_mut(column)) {
                *slot = width;
                *lines = trial;
            }
            spare -= cost;
        }
        widths
    }

    /// The table, its cells wrapped to `widths` when given, drawn with box-drawing lines
    /// (the look of comfy-table's `UTF8_FULL_CONDENSED`, which drew it before: see README,
    /// "Dependencies"). Each column is as wide as its widest line; a coloured cell is
    /// coloured line by line, padding included, so a pager that cuts a line keeps colours.
    fn table(&self, style: Style, widths: Option<&[usize]>) -> String {
        let fit = |text, column| Lines::fit(text, widths.and_then(|widths| widths.get(column)));
        let header: Vec<Lines<'_>> = (self.header.iter().enumerate())
            .map(|(column, text)| fit(text, column))
            .collect();
        let rows: Vec<Vec<(Lines<'_>, Tone)>> = (self.rows.iter())
            .map(|row| {
                (row.iter().enumerate())
                    .map(|(column, cell)| (fit(&cell.text, column), cell.tone))
                    .collect()
            })
            .collect();
        let count = rows.iter().map(Vec::len).fold(header.len(), usize::max);
        let mut columns = vec![1; count];
        for (column, lines) in header.iter().enumerate() {
            widen(&mut columns, column, lines);
        }
        for row in &rows {
            for (column, (lines, _)) in row.iter().enumerate() {
                widen(&mut columns, column, lines);
            }
        }
        let mut out = String::with_capacity((rows.len() + 4) * (table_width(&columns) + 16));
        rule(&mut out, &columns, ['┌', '─', '┬', '┐']);
        let plain: Vec<(Lines<'_>, Tone)> = header
            .into_iter()
            .map(|lines| (lines, Tone::Plain))
            .collect();
        draw_row(&mut out, &columns, &plain, false);
        rule(&mut out, &columns, ['╞', '═', '╪', '╡']);
        for row in &rows {
            draw_row(&mut out, &columns, row, style.color);
        }
        rule(&mut out, &columns, ['└', '─', '┴', '┘']);
        out.pop(); // the last line end: the caller decides what follows the table
        out
    }

    /// One block per row: the row's name, then each other column as `label  value`, values
    /// aligned and wrapped at spaces; blocks apart by an empty line, and one before the first.
    fn records(&self, style: Style, limit: usize) -> String {
        let labels = self.header.get(1..).unwrap_or_default();
        let label_width = labels.iter().map(|label| wrap::width(label)).max();
        let value_column = 2 + label_width.unwrap_or(0) + 2;
        let mut lines = Vec::new();
        for row in &self.rows {
            lines.push(String::new());
            let mut cells = row.iter();
            if let Some(name) = cells.next() {
                let mut filler = Filler::new(limit, 2, style.color);
                filler.extend(wrap::pieces(&name.text, name.tone, limit, 2));
                lines.extend(filler.finish());
            }
            for (label, cell) in labels.iter().zip(cells) {
                let padding = " ".repeat(value_column - 2 - wrap::width(label));
                let mut filler = Filler::new(limit, value_column, style.color);
                filler.push(wrap::Piece {
                    sep: "  ",
                    word: label,
                    tone: Tone::Plain,
                });
                for (i, mut piece) in wrap::pieces(&cell.text, cell.tone, limit, value_column)
                    .into_iter()
                    .enumerate()
                {
                    if i == 0 {
                        piece.sep = &padding;
                    }
                    filler.push(piece);
                }
                lines.extend(filler.finish());
            }
        }
        lines.join("\n")
    }
}

/// A cell's text as the lines it is drawn on.
enum Lines<'a> {
    One(&'a str),
    Wrapped(Vec<String>),
}

impl<'a> Lines<'a> {
    /// `text` as it is, or wrapped at spaces to `width`.
    fn fit(text: &'a str, width: Option<&usize>) -> Lines<'a> {
        match width {
            Some(&width) => Lines::Wrapped(wrap::lines(text, width, 0)),
            None => Lines::One(text),
        }
    }

    fn get(&self, line: usize) -> Option<&str> {
        match self {
            Lines::One(text) => (line == 0).then_some(*text),
            Lines::Wrapped(lines) if lines.is_empty() => (line == 0).then_some(""),
            Lines::Wrapped(lines) => lines.get(line).map(String::as_str),
        }
    }

    fn len(&self) -> usize {
        match self {
            Lines::One(_) => 1,
            Lines::Wrapped(lines) => lines.len().max(1),
        }
    }
}

/// Makes `column` at least as wide as the widest of `lines`.
fn widen(columns: &mut [usize], column: usize, lines: &Lines<'_>) {
    let widest = (0..lines.len())
        .filter_map(|line| lines.get(line))
        .map(wrap::width)
        .max()
        .unwrap_or(0);
    if let Some(width) = columns.get_mut(column) {
        *width = (*width).max(widest);
    }
}

/// A horizontal line of the table: `[left, line, crossing, right]`.
fn rule(out: &mut String, columns: &[usize], [left, line, crossing, right]: [char; 4]) {
    out.push(left);
    for (i, &width) in columns.iter().enumerate() {
        if i > 0 {
            out.push(crossing);
        }
        out.extend(std::iter::repeat_n(line, width + 2));
    }
    out.push(right);
    out.push('\n');
}

/// One row of cells, as many lines tall as its tallest cell; a shorter cell is padded
/// with blank (uncoloured) lines.
fn draw_row(out: &mut String, columns: &[usize], cells: &[(Lines<'_>, Tone)], color: bool) {
    let height = cells
        .iter()
        .map(|(lines, _)| lines.len())
        .max()
        .unwrap_or(1);
    for line in 0..height {
        out.push('│');
        for (column, &width) in columns.iter().enumerate() {
            if column > 0 {
                out.push('┆');
            }
            let cell = cells.get(column);
            let Some(text) = cell.and_then(|(lines, _)| lines.get(line)) else {
                out.extend(std::iter::repeat_n(' ', width + 2));
                continue;
            };
            let code = match cell.map(|(_, tone)| *tone) {
                Some(Tone::Good) if color => Some(GREEN),
                Some(Tone::Bad) if color => Some(RED),
                _ => None,
            };
            if let Some(code) = code {
                out.push_str(code);
            }
            out.push(' ');
            out.push_str(text);
            out.extend(std::iter::repeat_n(' ', width - wrap::width(text) + 1));
            if code.is_some() {
                out.push_str(RESET_FOREGROUND);
            }
        }
        out.push_str("│\n");
    }
}

/// The 256-colour codes for bright green and bright red, and the reset of the foreground:
/// what comfy-table wrote, so coloured tables read as they did.
const GREEN: &str = "\x1b[38;5;10m";
const RED: &str = "\x1b[38;5;9m";
const RESET_FOREGROUND: &str = "\x1b[39m";

/// How tall a wrapped table is: its height in lines, then the number of lines of all its
/// cells (fewer wrapped cells read better even when the table is no shorter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Score {
    height: usize,
    lines: usize,
}

/// A [`Score`] saved per column given, compared as fractions without dividing.
#[derive(Debug, Clone, Copy)]
struct Rate {
    saved: Score,
    cost: usize,
}

impl Score {
    /// `heights[column][row]`; a row is as tall as its tallest cell.
    fn of(heights: &[Vec<usize>]) -> Score {
        let rows = heights.first().map_or(0, Vec::len);
        let height = (0..rows)
            .map(|row| {
                heights
                    .iter()
                    .filter_map(|column| column.get(row))
                    .max()
                    .copied()
                    .unwrap_or(0)
            })
            .sum();
        Score {
            height,
            lines: heights.iter().flatten().sum(),
        }
    }

    /// What widening saved: wrapping at spaces never takes more lines in a wider column.
    fn minus(self, then: Score) -> Score {
        Score {
            height: self.height.saturating_sub(then.height),
            lines: self.lines.saturating_sub(then.lines),
        }
    }

    fn is_nothing(self) -> bool {
        self.height == 0 && self.lines == 0
    }

    fn per(self, cost: usize) -> Rate {
        Rate { saved: self, cost }
    }
}

impl Rate {
    fn beats(self, other: Rate) -> bool {
        let height = (self.saved.height * other.cost).cmp(&(other.saved.height * self.cost));
        let lines = (self.saved.lines * other.cost).cmp(&(other.saved.lines * self.cost));
        height.then(lines).is_gt()
    }
}

/// Writes a line of prose, wrapped at spaces to the style's width with continuation lines
/// indented by `indent`; as it is when the style does not wrap. Text from the input is
/// escaped first ([`escape::text`]: a newline in a value is shown, not obeyed), and
/// wrapped as escaped.
pub(crate) fn prose(out: &mut String, text: &str, style: Style, indent: usize) {
    let text = escape::text(text);
    let text = text.as_ref();
    match style.wrap_width() {
        None => {
            out.push_str(text);
            out.push('\n');
        }
        Some(width) => {
            for line in wrap::lines(text, width, indent) {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid {
            header: vec!["client".into(), "source".into(), "verdict".into()],
            rows: vec![
                vec![
                    Cell::plain("admin"),
                    Cell::plain("192.168.1.20"),
                    Cell::toned("reachable", Tone::Good),
                ],
                vec![
                    Cell::plain("node-a"),
                    Cell::plain("10.0.16.10"),
                    Cell::toned("blocked: SG_INGRESS_DENY", Tone::Bad),
                ],
            ],
        }
    }

    fn at(width: u16) -> Style {
        Style {
            color: false,
            width: Some(width),
        }
    }

    #[test]
    fn a_table_that_fits_is_the_unwrapped_table() {
        let unwrapped = grid().render(Style::default());
        assert_eq!(grid().render(at(200)), unwrapped);
        let widest = unwrapped.lines().map(wrap::width).max().unwrap_or(0);
        assert_eq!(
            grid().render(at(u16::try_from(widest).unwrap_or(0))),
            unwrapped
        );
    }

    #[test]
    fn a_table_one_column_too_wide_wraps_its_cells_at_spaces() {
        let text = grid().render(at(45));
        assert!(text.lines().all(|line| wrap::width(line) <= 45), "{text}");
        assert!(text.contains("┆ blocked:"), "{text}");
        assert!(text.contains("┆ SG_INGRESS_DENY"), "{text}");
    }

    #[test]
    fn a_table_too_narrow_for_its_widest_words_becomes_records() {
        let text = grid().render(at(30));
        assert_eq!(
            text,
            "\nadmin\n  source   192.168.1.20\n  verdict  reachable\n\
             \nnode-a\n  source   10.0.16.10\n  verdict  blocked:\n           SG_INGRESS_DENY"
        );
    }

    #[test]
    fn spare_columns_go_where_they_shorten_the_table() {
        let grid = Grid {
            header: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::plain("one two three four"), Cell::plain("x y")]],
        };
        // Narrowest: 5 and 1 columns, four lines tall; seven to spare. "x y" on one line
        // would not make the table shorter, so the first cell gets 2 columns (three lines),
        // then 3 more (two lines); the last 2 unwrap "x y", which saves a line of it.
        assert_eq!(grid.share(&[18, 3], vec![5, 1], 5 + 1 + 7 + 7), vec![10, 3]);
        assert_eq!(grid.share(&[18, 3], vec![5, 1], 5 + 1 + 7 + 6), vec![10, 1]);
        assert_eq!(
            grid.share(&[18, 3], vec![5, 1], 5 + 1 + 7 + 20),
            vec![18, 3]
        );
    }
}
