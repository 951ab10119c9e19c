//! Flow tables fitted to a terminal's width: snapshots of every bundled scenario's `check` and
//! `compare` output at 80 and 60 columns, and, at every width from 40 to 200, that no line is
//! wider than the terminal unless it is one word wider than the terminal, and that every
//! address, ID, reason code and DNS server label of the analysis is whole on some line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::path::Path;

use eksflow::checked::{self as analysis, Checked as Analysis};
use eksflow::report::{Style, table};
use eksflow::scenario::{self, Scenario};
use unicode_width::UnicodeWidthStr;

/// The bundled scenarios, by file stem, in name order.
fn bundled() -> Vec<(String, Scenario)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the bundled scenarios are missing");
    files
        .iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let file = format!("scenarios/{stem}.yaml");
            let text = std::fs::read_to_string(path).unwrap();
            let scenario = scenario::load_one(&file, &text)
                .unwrap_or_else(|errors| panic!("{file}: {errors:?}"));
            (stem, scenario)
        })
        .collect()
}

fn at(width: u16) -> Style {
    Style {
        color: false,
        width: Some(width),
    }
}

/// `check` then `compare`, as the two commands print them.
fn both(scenario: &Scenario, style: Style) -> String {
    let analysis = analysis::check(scenario, None);
    let modes = analysis::compare(scenario);
    format!(
        "$ eksflow check\n{}\n$ eksflow compare\n{}",
        table::check(&analysis, style),
        table::compare(&modes, style)
    )
}

#[test]
fn bundled_scenarios_at_80_and_60_columns() {
    for (name, scenario) in bundled() {
        for width in [80u16, 60] {
            insta::assert_snapshot!(format!("{name}@{width}"), both(&scenario, at(width)));
        }
    }
}

/// The printable width of a line: ANSI colour sequences take no columns.
fn columns(line: &str) -> usize {
    let mut plain = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // `ESC [ … m`
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain.width()
}

fn assert_fits(text: &str, width: u16, what: &str) {
    let width = usize::from(width);
    for line in text.lines() {
        let word = line.trim();
        assert!(
            columns(line) <= width || (!word.contains(' ') && columns(word) > width),
            "{what}: a line wider than {width} columns that could have been broken:\n{line}\n\n{text}"
        );
    }
}

/// What may never be split, word by word: for `check`, everything the analysis names; for
/// `compare`, which shows only each flow's endpoint and verdict, the clients and reasons.
fn words_of(analysis: &Analysis<'_>, check: bool) -> Vec<String> {
    let mut words = Vec::new();
    let mut add = |text: &str| words.extend(text.split_whitespace().map(str::to_owned));
    for flow in &analysis.flows {
        add(&flow.client.name);
        if let Some(blocked) = &flow.blocked {
            add(&blocked.reason.to_string());
        }
        if !check {
            continue;
        }
        add(&flow.source.to_string());
        add(&flow.dns.server);
        add(&flow.dns.server_label);
        add(flow.dns.answered_by.as_str());
        for address in flow.dns.addresses() {
            add(&address.to_string());
        }
        if let Some(blocked) = &flow.blocked {
            add(&blocked.blocked_by);
        }
    }
    if !check {
        return words;
    }
    for finding in &analysis.findings {
        add(&finding.code.to_string());
        add(&finding.path);
        add(&finding.message);
    }
    words
}

/// The words on the lines of `text`, apart at spaces and table borders.
fn words_on_lines(text: &str) -> HashSet<&str> {
    text.lines()
        .flat_map(|line| line.split([' ', '│', '┆']))
        .filter(|word| !word.is_empty())
        .collect()
}

/// Every word the analysis names that the unwrapped output shows is on some line of `text`.
fn assert_whole(text: &str, unwrapped: &str, analyses: &[Analysis<'_>], check: bool, what: &str) {
    // A DNS server label is printed in parentheses, a list with commas.
    let bare = |word: &str| word.trim_matches(|c| "(),:[]".contains(c)).to_owned();
    let shown: HashSet<String> = words_on_lines(unwrapped).into_iter().map(bare).collect();
    let printed: HashSet<String> = words_on_lines(text).into_iter().map(bare).collect();
    let mut checked = 0;
    for analysis in analyses {
        for word in words_of(analysis, check).iter().map(|word| bare(word)) {
            if shown.contains(&word) {
                checked += 1;
                assert!(
                    printed.contains(&word),
                    "{what}: `{word}` is not whole on any line:\n{text}"
                );
            }
        }
    }
    assert!(checked > 0, "{what}: no words checked");
}

#[test]
fn at_every_width_lines_fit_and_no_word_is_split() {
    for (name, scenario) in bundled() {
        let analysis = analysis::check(&scenario, None);
        let modes = analysis::compare(&scenario);
        let unwrapped_check = table::check(&analysis, Style::default());
        let unwrapped_compare = table::compare(&modes, Style::default());
        for width in 40u16..=200 {
            for color in [false, true] {
                let style = Style {
                    color,
                    width: Some(width),
                };
                let what = format!("{name} at {width} columns");
                let check = table::check(&analysis, style);
                assert_fits(&check, width, &format!("check {what}"));
                let compare = table::compare(&modes, style);
                assert_fits(&compare, width, &format!("compare {what}"));
                if !color {
                    let one = std::slice::from_ref(&analysis);
                    assert_whole(&check, &unwrapped_check, one, true, &what);
                    assert_whole(&compare, &unwrapped_compare, &modes, false, &what);
                }
            }
        }
    }
}

#[test]
fn a_terminal_wide_enough_gets_the_same_bytes_as_a_pipe() {
    for (name, scenario) in bundled() {
        let pipe = both(&scenario, Style::default());
        let widest = pipe.lines().map(columns).max().unwrap();
        let wide = both(&scenario, at(u16::try_from(widest).unwrap()));
        assert_eq!(wide, pipe, "{name} at {widest} columns");
    }
}

#[test]
fn a_terminal_that_reports_no_size_gets_the_same_bytes_as_a_pipe() {
    for (_, scenario) in bundled().into_iter().take(3) {
        let pipe = both(&scenario, Style::default());
        for reported in [None, Some(0), Some(1), Some(Style::MIN_WIDTH - 1)] {
            let style = Style::for_output(true, Some("1".as_ref()), None, reported);
            assert_eq!(style.width, None, "{reported:?}");
            assert_eq!(both(&scenario, style), pipe, "{reported:?}");
            // A `Style` built by hand with a width no terminal has does not wrap either.
            let built = Style {
                color: false,
                width: reported,
            };
            assert_eq!(both(&scenario, built), pipe, "{reported:?}");
        }
    }
}

#[test]
fn the_three_layouts_each_show_up() {
    let scenarios = bundled();
    let (_, scenario) = scenarios
        .iter()
        .find(|(name, _)| name == "transit-gateway")
        .unwrap();
    let analysis = analysis::check(scenario, None);
    let check = |width| table::check(&analysis, at(width));
    // Wide enough for the table as it is: one row per client, one line per row.
    assert!(check(200).contains("│ prometheus    ┆ 10.120.1.30 ┆"));
    // Too narrow for that, wide enough for every word: cells wrap at spaces.
    let wrapped = check(150);
    assert!(
        wrapped.contains("┆ 10.120.0.2 (AmazonProvidedDNS,"),
        "{wrapped}"
    );
    assert!(
        wrapped
            .lines()
            .any(|line| line.contains("┆ vpc-monitoring)")),
        "{wrapped}"
    );
    // Too narrow for the words: a record per client.
    let records = check(80);
    assert!(!records.contains('┆'), "{records}");
    assert!(
        records.contains("\nprometheus\n  source       10.120.1.30\n"),
        "{records}"
    );
    assert!(
        records.contains("\n  verdict      blocked: NO_RETURN_ROUTE\n"),
        "{records}"
    );
}
