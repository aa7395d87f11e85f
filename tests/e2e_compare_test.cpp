// End-to-end: `contend compare` and `contend ab` as a CI job runs them — the gate's exit codes
// (0 pass, 3 a regression, 1 a failure in NEW, 4 inconclusive, 2 bad input) and its last line,
// the three output formats, Google Benchmark's JSON, and an A/B run that must catch a planted
// slowdown. Verdicts here never hang on timing: the synthetic files are fixed, the A/A runs
// allow noise and ask for a 99% change, and the planted slowdown is hundreds of times the lock's
// cost.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using E2ECompare = NoLeftoversTest;

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Google Benchmark JSON with `n` repetitions of one benchmark at about `items_per_second`.
std::string gbench_json(double items_per_second, int n) {
  json root;
  root["context"] = {{"date", "2026-12-01T10:00:00+00:00"}, {"host_name", "ci"}, {"num_cpus", 2}};
  json benchmarks = json::array();
  for (int i = 0; i < n; ++i) {
    const double v = items_per_second * (1.0 + 0.001 * (i % 5 - 2));
    benchmarks.push_back({{"name", "BM_lock/threads:2"}, {"run_name", "BM_lock/threads:2"}, {"run_type", "iteration"},
                          {"repetitions", n}, {"repetition_index", i}, {"threads", 2}, {"iterations", 1000000},
                          {"real_time", 1e9 / v}, {"cpu_time", 2e9 / v}, {"time_unit", "ns"},
                          {"items_per_second", v}});
  }
  root["benchmarks"] = benchmarks;
  return root.dump(2);
}

// Every repetition of every configuration made a copy of the first: a file whose figures do not
// vary, so comparing it with itself is `unchanged` (a zero-width interval) on any machine.
json steady(json results) {
  for (json& config : results["contend"]["configurations"]) {
    json& reps = config["repetitions"];
    for (std::size_t i = 1; i < reps.size(); ++i) {
      reps[i] = reps[0];
      reps[i]["index"] = i;
    }
  }
  return results;
}

std::string one_line_error(const RunOutput& r) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("contend: ", 0), 0u) << r.err;
  return r.err;
}

TEST_F(E2ECompare, AResultFileAgainstItselfNeverRegresses) {
  TempDir dir;
  const RunOutput run = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "20ms", "--warmup", "5ms", "-r", "5",
                                     "-o", dir.path().string(), "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string results = (dir.path() / "results.json").string();
  // Identical samples: p = 1 and the change is 0, but the interval is as wide as the spread of the
  // repetitions, so the verdict is unchanged or noisy depending on this machine's noise: the gate
  // passes or is inconclusive, never fails.
  const RunOutput r = run_contend({"compare", results, results});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.out << r.err;
  EXPECT_NE(r.out.find("lock/ttas/threads/workers:1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 regressed, 0 improved, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  +0.0%  "), std::string::npos) << r.out;
  // Figures that do not vary: unchanged, and the gate passes.
  write(dir.path() / "steady.json", steady(json::parse(read_file(results))).dump());
  const std::string still = (dir.path() / "steady.json").string();
  const RunOutput pass = run_contend({"compare", still, still});
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_TRUE(pass.out.ends_with("gate: pass (exit 0): 1 of 1 judged, none regressed.\n")) << pass.out;
}

TEST_F(E2ECompare, GoogleBenchmarkRegressionExitsThreeInEveryFormat) {
  TempDir dir;
  write(dir.path() / "base.json", gbench_json(1e6, 10));
  write(dir.path() / "new.json", gbench_json(0.8e6, 10));
  const std::string base = (dir.path() / "base.json").string();
  const std::string next = (dir.path() / "new.json").string();

  const RunOutput table = run_contend({"compare", base, next});
  EXPECT_EQ(table.exit_code, 3) << table.out << table.err;
  EXPECT_NE(table.out.find("regressed"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("-20.0%"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("(Google Benchmark, ci, 2026-12-01"), std::string::npos) << table.out;

  const RunOutput markdown = run_contend({"compare", base, next, "--format", "markdown"});
  EXPECT_EQ(markdown.exit_code, 3);
  EXPECT_NE(markdown.out.find("**gate: regressed (exit 3): 1 of 1 judged configuration regressed: BM_lock/threads:2 "
                              "(-20.0%).**\n"),
            std::string::npos)
      << markdown.out;
  EXPECT_NE(markdown.out.find("| `BM_lock/threads:2` |"), std::string::npos) << markdown.out;

  const RunOutput j = run_contend({"compare", base, next, "--format", "json"});
  EXPECT_EQ(j.exit_code, 3);
  const json parsed = json::parse(j.out);
  EXPECT_EQ(parsed["regressed"], true);
  EXPECT_EQ(parsed["gate"]["decision"], "regressed");
  EXPECT_EQ(parsed["configs"][0]["verdict"], "regressed");

  // The other way round it is an improvement, and the gate passes.
  const RunOutput reverse = run_contend({"compare", next, base});
  EXPECT_EQ(reverse.exit_code, 0) << reverse.out;
  EXPECT_NE(reverse.out.find("improved"), std::string::npos) << reverse.out;
  // A threshold above the change: no verdict past it.
  const RunOutput lenient = run_contend({"compare", base, next, "--threshold", "30%"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out;
}

TEST_F(E2ECompare, BadInputIsOneLineAndExitTwo) {
  TempDir dir;
  const fs::path good = dir.path() / "good.json";
  write(good, gbench_json(1e6, 5));
  write(dir.path() / "notes.txt", "name = 'not json'\n");
  write(dir.path() / "package.json", R"({"name": "x", "version": "1.0.0"})");
  const std::string g = good.string();

  EXPECT_NE(one_line_error(run_contend({"compare", g, (dir.path() / "absent.json").string()}))
                .find("absent.json: cannot read the file"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"compare", g, (dir.path() / "notes.txt").string()})).find("notes.txt: line 1, column 2: not JSON: syntax error"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"compare", (dir.path() / "package.json").string(), g}))
                .find("not a contend or Google Benchmark results file"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"compare", g, g, "--threshold", "five"})).find("--threshold"), std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"compare", g, g, "--metric", "p99"})).find("no latency percentiles"),
            std::string::npos);
  one_line_error(run_contend({"compare", g, g, "--metric", "speed"}));
  one_line_error(run_contend({"compare", g}));
}

// The gate's three holes, each an exit 4 with a last line that says why.
TEST_F(E2ECompare, NoConfigurationInBothFilesIsInconclusive) {
  TempDir dir;
  const fs::path a = dir.path() / "a";
  const fs::path b = dir.path() / "b";
  ASSERT_EQ(run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "5", "-o",
                         a.string(), "--format", "csv"})
                .exit_code,
            0);
  ASSERT_EQ(run_contend({"run", "lock", "-p", "tas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "5", "-o",
                         b.string(), "--format", "csv"})
                .exit_code,
            0);
  const RunOutput r = run_contend({"compare", (a / "results.json").string(), (b / "results.json").string(),
                                   "--allow-missing", "--allow-noisy"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_TRUE(r.out.ends_with("gate: inconclusive (exit 4): nothing was judged: no configuration is in both files "
                              "(1 only in base, 1 only in new).\n"))
      << r.out;
}

TEST_F(E2ECompare, AnInterruptedNewIsInconclusiveUnlessMissingIsAllowed) {
  TempDir dir;
  // A contend file of two configurations, and the same interrupted before its second.
  const RunOutput run = run_contend({"run", "lock", "-p", "ttas,tas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r",
                                     "5", "-o", dir.path().string(), "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path base = dir.path() / "steady.json";
  write(base, steady(json::parse(read_file(dir.path() / "results.json"))).dump());
  json interrupted = json::parse(read_file(base));
  interrupted["contend"]["complete"] = false;
  interrupted["contend"]["configurations"].erase(1);
  write(dir.path() / "new.json", interrupted.dump());
  const std::string next = (dir.path() / "new.json").string();

  const RunOutput strict = run_contend({"compare", base.string(), next});
  EXPECT_EQ(strict.exit_code, 4) << strict.out << strict.err;
  EXPECT_TRUE(strict.out.ends_with("gate: inconclusive (exit 4): new is incomplete (its run was interrupted), 1 "
                                   "configuration is missing from it; --allow-missing judges what it has.\n"))
      << strict.out;
  const RunOutput lenient = run_contend({"compare", base.string(), next, "--allow-missing"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out << lenient.err;
  EXPECT_NE(lenient.out.find("gate: pass (exit 0): 1 of 2 judged, none regressed; 1 not judged and allowed."),
            std::string::npos)
      << lenient.out;
}

TEST_F(E2ECompare, ALargeDropWithThreeRepetitionsIsInconclusiveNotAPass) {
  TempDir dir;
  write(dir.path() / "base.json", gbench_json(1e6, 3));
  write(dir.path() / "new.json", gbench_json(0.673e6, 3));
  const RunOutput r = run_contend({"compare", (dir.path() / "base.json").string(), (dir.path() / "new.json").string()});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("-32.7%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("noisy BM_lock/threads:2: too few repetitions for a 95% interval (3 and 3; at least 4 each)"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(r.out.ends_with("gate: inconclusive (exit 4): nothing was judged: of 1 configuration, 1 noisy and 0 "
                              "missing.\n"))
      << r.out;
  const RunOutput j = run_contend({"compare", (dir.path() / "base.json").string(), (dir.path() / "new.json").string(),
                                   "--format", "json"});
  EXPECT_EQ(j.exit_code, 4);
  EXPECT_EQ(json::parse(j.out)["gate"]["decision"], "inconclusive");
}

TEST_F(E2ECompare, ASavedBaselineIsComparedByName) {
  TempDir dir;
  const fs::path folder = dir.path() / "baselines";
  setenv("CONTEND_BASELINE_DIR", folder.c_str(), 1);
  const RunOutput saved = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "5",
                                       "--save-baseline", "main", "--format", "csv"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  ASSERT_TRUE(fs::exists(folder / "main" / "results.json"));
  // Judged against itself, so never regressed: pass or, on a noisy machine, inconclusive.
  const std::string next = (folder / "main" / "results.json").string();
  const RunOutput r = run_contend({"compare", "--baseline", "main", next});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.out << r.err;
  EXPECT_NE(r.out.find("base: " + next + " (contend"), std::string::npos) << r.out;
  EXPECT_NE(one_line_error(run_contend({"compare", "--baseline", "nope", next})).find("saved: main"), std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"compare", "--baseline", "../up", next})).find("baseline name '../up'"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"compare", "--baseline", "main", next, next})).find("takes one file, NEW"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"compare", next})).find("takes two files, BASE and NEW, not 1"),
            std::string::npos);
  unsetenv("CONTEND_BASELINE_DIR");
}

// A one-run suite: the lock workload at one worker, short.
fs::path tiny_suite(const TempDir& dir) {
  const fs::path p = dir.path() / "tiny.toml";
  write(p,
        "name = \"tiny\"\n"
        "[[run]]\n"
        "workload = \"lock\"\n"
        "primitive = \"std-mutex\"\n"
        "workers = [1]\n"
        "duration = \"20ms\"\n"
        "warmup = \"5ms\"\n");
  return p;
}

TEST_F(E2ECompare, AbOfOneVariantAgainstItselfPasses) {
  TempDir dir;
  // A change must be 99% to count: an A/A run cannot fail the gate; it passes or, on a noisy
  // machine, is inconclusive.
  const RunOutput r = run_contend({"ab", tiny_suite(dir).string(), "--a", "ttas", "--b", "ttas", "-r", "5",
                                   "--threshold", "99", "-o", (dir.path() / "out").string()});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.out << r.err;
  EXPECT_NE(r.out.find("\ngate: "), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("an A/A run"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("lock/ttas/threads/workers:1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("A: ttas"), std::string::npos) << r.out;
  for (const char* file : {"a/results.json", "b/results.json", "ab.json"}) {
    EXPECT_TRUE(fs::exists(dir.path() / "out" / file)) << file;
  }
  // Its verdicts as a page: the before/after table alone.
  const RunOutput page = run_contend({"report", (dir.path() / "out" / "ab.json").string(), "--format", "markdown"});
  EXPECT_EQ(page.exit_code, 0) << page.err;
  EXPECT_NE(page.out.find("### A: ttas → B: ttas"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find("| lock/ttas/threads/workers:1 | "), std::string::npos) << page.out;
  EXPECT_NE(page.out.find("gate: "), std::string::npos) << page.out;
  const json a = json::parse(read_file(dir.path() / "out" / "a" / "results.json"));
  ASSERT_EQ(a["contend"]["configurations"].size(), 1u);
  EXPECT_EQ(a["contend"]["configurations"][0]["repetitions"].size(), 5u);
}

TEST_F(E2ECompare, AbCatchesAPlantedSlowdownInAPlugin) {
  TempDir dir;
  // Thousands of extra iterations inside every critical section: B is many times slower than A.
  setenv("CONTEND_SLOWDOWN_SPINS", "3000", 1);
  const RunOutput r = run_contend({"ab", tiny_suite(dir).string(), "-p", "example-ttas", "--a-plugin",
                                   CONTEND_EXAMPLE_PLUGIN, "--b-plugin", CONTEND_SLOWED_PLUGIN, "-r", "6"});
  unsetenv("CONTEND_SLOWDOWN_SPINS");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("lock/example-ttas/threads/workers:1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("regressed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("B: example-ttas (" + fs::path(CONTEND_SLOWED_PLUGIN).filename().string() + ")"),
            std::string::npos)
      << r.out;
}

TEST_F(E2ECompare, ACrashInNewIsReportedNotJudgedAndExitsOne) {
  TempDir dir;
  const RunOutput run = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "20ms", "--warmup", "5ms", "-r", "5",
                                     "-o", dir.path().string(), "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path base = dir.path() / "results.json";
  // The same file, but one repetition of the configuration crashed.
  json crashed = json::parse(read_file(base));
  crashed["contend"]["configurations"][0]["repetitions"][2]["status"] = "crashed";
  crashed["contend"]["configurations"][0]["repetitions"][2]["status_detail"] = "SIGSEGV";
  write(dir.path() / "new.json", crashed.dump());

  const RunOutput r = run_contend({"compare", base.string(), (dir.path() / "new.json").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("missing lock/ttas/threads/workers:1: new: crashed: SIGSEGV"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gate: failed (exit 1): 1 configuration failed in new"), std::string::npos) << r.out;
  // The other way round the crash is in the baseline: reported, and with nothing judged the gate
  // is inconclusive, whatever it is allowed.
  const RunOutput reverse =
      run_contend({"compare", (dir.path() / "new.json").string(), base.string(), "--allow-missing", "--allow-noisy"});
  EXPECT_EQ(reverse.exit_code, 4) << reverse.out << reverse.err;
  EXPECT_NE(reverse.out.find("base: crashed: SIGSEGV"), std::string::npos) << reverse.out;
  EXPECT_TRUE(reverse.out.ends_with("gate: inconclusive (exit 4): nothing was judged: of 1 configuration, 0 noisy and "
                                    "1 missing.\n"))
      << reverse.out;
}

TEST_F(E2ECompare, AbOfAThreadsOnlyPrimitiveOverABothSuiteRunsTheThreadsHalf) {
  TempDir dir;
  const fs::path suite = dir.path() / "both.toml";
  write(suite,
        "name = \"both\"\n"
        "[[run]]\n"
        "workload = \"lock\"\n"
        "primitive = \"ttas\"\n"
        "mode = \"both\"\n"
        "workers = [1]\n"
        "duration = \"20ms\"\n"
        "warmup = \"5ms\"\n");
  const RunOutput r = run_contend({"ab", suite.string(), "--a", "std-mutex", "--b", "pthread-mutex", "-r", "5",
                                   "--threshold", "99", "-o", (dir.path() / "out").string()});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.out << r.err;
  EXPECT_NE(r.err.find("note: A: " + suite.string() + ":2: std-mutex is not process-shared: measured on threads only"),
            std::string::npos)
      << r.err;
  // What only B could run is not compared: a note, no row, and not held against the gate.
  EXPECT_NE(r.err.find("note: not compared: lock/std-mutex-vs-pthread-mutex/processes/workers:1: only B can run it "
                       "(std-mutex is not process-shared)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("processes"), std::string::npos) << r.out;
  // What only B could run was not run: B's results hold the threads configuration alone.
  const json b = json::parse(read_file(dir.path() / "out" / "b" / "results.json"));
  ASSERT_EQ(b["contend"]["configurations"].size(), 1u);
  EXPECT_EQ(b["contend"]["configurations"][0]["repetitions"].size(), 5u);
}

TEST_F(E2ECompare, AbBadInputIsOneLineAndExitTwo) {
  TempDir dir;
  const std::string suite = tiny_suite(dir).string();
  EXPECT_NE(one_line_error(run_contend({"ab", suite})).find("ab needs two variants"), std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"ab", suite, "--a", "std-mutex", "--b", "posix-sem"})).find("one family"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"ab", suite, "--a", "posix-sem", "--b", "std-counting"})).find("no [[run]]"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"ab", suite, "--a", "ttas", "--b", "no-such-lock"})).find("no-such-lock"),
            std::string::npos);
  one_line_error(run_contend({"ab", (dir.path() / "absent.toml").string(), "--a", "ttas", "--b", "ttas"}));
  // Too few repetitions to reach alpha: refused before anything runs, naming the count that can.
  EXPECT_NE(one_line_error(run_contend({"ab", suite, "--a", "ttas", "--b", "tas", "-r", "3"}))
                .find("-r 3: 3 repetitions per variant cannot reach a verdict over 1 configuration at --alpha 0.01"),
            std::string::npos);
  EXPECT_NE(one_line_error(run_contend({"ab", suite, "--a", "ttas", "--b", "tas", "-r", "4"})).find("use -r 5 or more"),
            std::string::npos);
}

}  // namespace
}  // namespace contend::test
