#!/usr/bin/env python3
"""The CI workflow example (scripts/examples/perf-gate.yml) is a real GitHub Actions file and its
commands work: it parses as YAML with the keys Actions needs, and its `run` steps, run here in
order with bash -e as Actions runs them (the checkout and the package installs left out: this
machine has both), build the plugin twice and gate it with `contend ab`, whose Markdown verdict
lands in the summary file. A/A (the base and the pull request are the same commit here), so the
gate passes or, on a noisy machine, is inconclusive (exit 4); it never regresses.

Usage: ci_example_test.py SOURCE_DIR"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

source = pathlib.Path(sys.argv[1])
workflow = yaml.safe_load((source / "scripts/examples/perf-gate.yml").read_text())
# PyYAML reads the key `on` as the boolean True (YAML 1.1); Actions reads it as "on".
assert "pull_request" in (workflow.get("on") or workflow.get(True)), "the workflow runs on pull requests"
job = workflow["jobs"]["gate"]
steps = job["steps"]
assert any(s.get("uses", "").startswith("actions/checkout@") for s in steps), "it checks the code out"
runs = [s for s in steps if "run" in s]
assert [s["name"] for s in runs] == ["tools", "build contend",
                                     "build the lock, as on the base branch and as in the pull request", "gate"]

with tempfile.TemporaryDirectory() as temp:
    summary = pathlib.Path(temp) / "summary.md"
    env = dict(os.environ)
    for key, value in job["env"].items():
        env[key] = re.sub(r"\$\{\{[^}]*\}\}", "", str(value))
    env.update(BASE_REF="HEAD", RUNNER_TEMP=temp, GITHUB_STEP_SUMMARY=str(summary), HOME=temp)
    for step in runs:
        if step["name"] == "tools":
            continue  # apt-get: this machine has git already
        result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=source, env=env, capture_output=True,
                                text=True, timeout=600)
        print(f"step {step['name']!r}: exit {result.returncode}\n{result.stderr[-2000:]}")
        if step["name"] == "gate":
            assert result.returncode in (0, 4), f"an A/A gate passes or is inconclusive, not {result.returncode}"
        else:
            assert result.returncode == 0, f"step {step['name']!r} failed"
    text = summary.read_text()
    assert "### contend compare: throughput" in text, text
    assert "lock/example-ttas/threads/workers:1" in text and "lock/example-ttas/threads/workers:2" in text, text
    assert re.search(r"\*\*gate: (pass|inconclusive) \(exit [04]\)", text), text
print("ok")
