//! The README's sample output is what eksflow prints: every ```text block that starts with
//! `$ eksflow …` is run and compared with the rest of the block, so the README cannot drift
//! from the tool.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use assert_cmd::Command;

#[test]
fn every_sample_in_the_readme_is_what_eksflow_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut samples = 0;
    for block in readme.split("```text\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let Some((command, expected)) = block.split_once('\n') else {
            continue;
        };
        let Some(args) = command.strip_prefix("$ eksflow ") else {
            continue;
        };
        // Pipelines and imports are illustrations, not samples.
        if args.contains('|') || args.starts_with("import") {
            continue;
        }
        let output = Command::cargo_bin("eksflow")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .args(args.split_whitespace())
            .output()
            .unwrap();
        let printed = String::from_utf8(output.stdout).unwrap();
        assert_eq!(
            printed.trim_end(),
            expected.trim_end(),
            "README sample `{command}` differs from what eksflow prints"
        );
        samples += 1;
    }
    assert!(samples >= 3, "only {samples} samples found in README.md");
}
