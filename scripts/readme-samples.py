#!/usr/bin/env python3
"""Rewrites every ```text block of README.md that starts with `$ eksflow …` with what the
built binary prints (tests/it/readme.rs checks the same blocks). Run after `cargo build`."""
import os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "debug", "eksflow")
path = os.path.join(root, "README.md")
text = open(path, encoding="utf-8").read()
parts = text.split("```text\n")
for i in range(1, len(parts)):
    block, sep, rest = parts[i].partition("```")
    command, _, _ = block.partition("\n")
    if not command.startswith("$ eksflow ") or "|" in command or command.startswith("$ eksflow import"):
        continue
    args = command[len("$ eksflow "):].split()
    env = dict(os.environ, NO_COLOR="1")
    out = subprocess.run([binary, *args], cwd=root, env=env, capture_output=True, text=True).stdout
    parts[i] = command + "\n" + out.rstrip() + "\n" + sep + rest
open(path, "w", encoding="utf-8").write("```text\n".join(parts))
