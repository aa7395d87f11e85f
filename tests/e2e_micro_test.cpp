// End-to-end: `contend micro` as a user runs it. Google Benchmark's --benchmark_min_time=0.01
// (seconds, in 1.7.1) keeps each run to well under a second on 2 cores; verdicts depend on which
// benchmarks ran and what was written, never on timing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using E2EMicro = NoLeftoversTest;

constexpr const char* kMinTime = "--benchmark_min_time=0.01";

std::size_t line_count(const std::string& text) {
  std::size_t n = 0;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) ++n;
  return n;
}

// The iteration entries of results.json, by name.
std::map<std::string, std::vector<json>> iterations_by_name(const json& results) {
  std::map<std::string, std::vector<json>> out;
  for (const json& b : results["benchmarks"]) {
    if (b["run_type"] == "iteration") out[b["name"].get<std::string>()].push_back(b);
  }
  return out;
}

TEST_F(E2EMicro, MeasuresEveryCaseAndWritesContendFiles) {
  TempDir dir;
  const RunOutput r = run_contend(
      {"micro", "-p", "std-mutex,ttas-backoff", "--threads-max", "2", kMinTime, "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Google Benchmark's own console output, with its names.
  EXPECT_NE(r.out.find("Benchmark"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("micro/lock/std-mutex/contended/real_time/threads:2"), std::string::npos) << r.out;

  const json j = json::parse(read_file(dir.path() / "results.json"));
  const auto runs = iterations_by_name(j);
  std::set<std::string> expected;
  for (const std::string p : {"std-mutex", "ttas-backoff"}) {
    for (const std::string c : {"lock_unlock", "try_lock", "contended/threads:1", "contended/threads:2"}) {
      expected.insert("micro/lock/" + p + "/" + c);
    }
  }
  std::set<std::string> names;
  for (const auto& [name, entries] : runs) names.insert(name);
  EXPECT_EQ(names, expected);
  for (const auto& [name, entries] : runs) {
    ASSERT_EQ(entries.size(), 1u) << name;
    EXPECT_GT(entries[0]["items_per_second"].get<double>(), 0) << name;
    EXPECT_GT(entries[0]["iterations"].get<double>(), 0) << name;
    EXPECT_TRUE(entries[0]["latency_ns"]["p50"].is_null()) << name << ": latency is not measured";
  }
  EXPECT_EQ(runs.at("micro/lock/std-mutex/contended/threads:2")[0]["threads"], 2);
  for (const json& c : j["contend"]["configurations"]) {
    EXPECT_EQ(c["status"], "ok") << c["name"];
    EXPECT_EQ(c["spec"]["workload"], "lock");
    EXPECT_TRUE(c["spec"]["micro_case"].is_string());
  }

  // The same files as `contend run`, except .hgrm: there is no histogram, and the user is told.
  EXPECT_EQ(line_count(read_file(dir.path() / "results.csv")), 1 + expected.size());
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_NE(e.path().extension(), ".hgrm") << e.path();
    EXPECT_NE(e.path().filename().string().front(), '.') << "temporary file left behind: " << e.path();
  }
  EXPECT_NE(r.err.find("no .hgrm files"), std::string::npos) << r.err;
}

TEST_F(E2EMicro, FilterNarrowsTheSet) {
  TempDir dir;
  const RunOutput r = run_contend({"micro", "-p", "std-mutex,ttas-backoff", "--threads-max", "2", kMinTime,
                                   "--benchmark_filter=lock_unlock", "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto runs = iterations_by_name(json::parse(read_file(dir.path() / "results.json")));
  std::set<std::string> names;
  for (const auto& [name, entries] : runs) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"micro/lock/std-mutex/lock_unlock",
                                           "micro/lock/ttas-backoff/lock_unlock"}));
}

TEST_F(E2EMicro, EachGoogleBenchmarkRepetitionIsOneRepetition) {
  TempDir dir;
  const RunOutput r = run_contend({"micro", "-p", "std-mutex", "--threads-max", "2", kMinTime,
                                   "--benchmark_repetitions=2", "--benchmark_filter=lock_unlock|contended",
                                   "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("_mean"), std::string::npos) << "Google Benchmark shows its aggregates";
  const json j = json::parse(read_file(dir.path() / "results.json"));
  const json& configs = j["contend"]["configurations"];
  ASSERT_EQ(configs.size(), 3u);  // lock_unlock, contended/threads:1, contended/threads:2
  for (const json& c : configs) {
    EXPECT_EQ(c["spec"]["repetitions"], 2) << c["name"];
    ASSERT_EQ(c["repetitions"].size(), 2u) << c["name"] << ": an aggregate became a repetition";
    EXPECT_EQ(c["repetitions"][0]["index"], 0);
    EXPECT_EQ(c["repetitions"][1]["index"], 1);
  }
  for (const auto& [name, entries] : iterations_by_name(j)) {
    EXPECT_EQ(name.find("_mean"), std::string::npos) << name;
    EXPECT_EQ(entries.size(), 2u) << name;
  }
  EXPECT_EQ(line_count(read_file(dir.path() / "results.csv")), 1u + 3 * 2);
}

TEST_F(E2EMicro, FormatPrintsContendsReportAfterGoogleBenchmarks) {
  const RunOutput r = run_contend({"micro", "-p", "hybrid", "--threads-max", "1", kMinTime, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto gb = r.out.find("micro/lock/hybrid/lock_unlock ");
  const auto csv = r.out.find("\nname,workload,primitive,");
  ASSERT_NE(gb, std::string::npos) << r.out;
  ASSERT_NE(csv, std::string::npos) << r.out;
  EXPECT_LT(gb, csv);
  EXPECT_NE(r.out.find("\nmicro/lock/hybrid/contended/threads:1,lock,hybrid,threads,1,0,ok,"), std::string::npos)
      << r.out;
}

// A plugin's lock and semaphore get the built-ins' cases under their own names, and contend's
// results name them too.
TEST_F(E2EMicro, MeasuresAPluginsPrimitivesByName) {
  const RunOutput r = run_contend({"micro", "--plugin", CONTEND_EXAMPLE_PLUGIN, "-p", "example-ttas,example-sem",
                                   "--threads-max", "2", kMinTime, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string name :
       {"micro/lock/example-ttas/lock_unlock ", "micro/lock/example-ttas/try_lock ",
        "micro/lock/example-ttas/contended/real_time/threads:2 ", "micro/semaphore/example-sem/acquire_release ",
        "micro/semaphore/example-sem/try_acquire ", "micro/semaphore/example-sem/contended/real_time/threads:1 "}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name << " is missing from\n" << r.out;
  }
  EXPECT_NE(r.out.find("\nmicro/lock/example-ttas/contended/threads:2,lock,example-ttas,threads,2,0,ok,"),
            std::string::npos)
      << r.out;
}

TEST_F(E2EMicro, AllIncludesPluginPrimitives) {
  const RunOutput r = run_contend({"micro", "--plugin", CONTEND_EXAMPLE_PLUGIN, "--family", "semaphore",
                                   "--benchmark_list_tests=true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("micro/semaphore/example-sem/acquire_release"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("micro/semaphore/futex-sem/acquire_release"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("example-ttas"), std::string::npos) << "--family semaphore listed a lock:\n" << r.out;
}

// Bad usage: exit 2, one line on stderr, nothing run and nothing written.
void expect_usage_error(const std::vector<std::string>& args, const std::string& mentions) {
  TempDir parent;
  const fs::path out = parent.path() / "out";
  std::vector<std::string> full = args;
  full.insert(full.end(), {"-o", out.string()});
  const RunOutput r = run_contend(full);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(line_count(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(out)) << "a usage error wrote " << out;
}

TEST_F(E2EMicro, BadUsageIsOneLineAndWritesNothing) {
  expect_usage_error({"micro", "--bogus"}, "'--bogus'");
  expect_usage_error({"micro", "--benchmark_typo=1"}, "'--benchmark_typo=1'");
  expect_usage_error({"micro", "--benchmark_min_time=abc"}, "--benchmark_min_time");
  expect_usage_error({"micro", "--benchmark_filter", "lock"}, "--benchmark_filter=lock");
  expect_usage_error({"micro", "--benchmark_format=xml"}, "'xml'");
  expect_usage_error({"micro", "-p", "nope"}, "unknown primitive 'nope'");
  expect_usage_error({"micro", "-p", "broken-hang"}, "planted bug");
  expect_usage_error({"micro", "--family", "lock", "-p", "posix-sem"}, "'posix-sem' is a semaphore");
}

TEST_F(E2EMicro, BadPluginIsOneLineAndWritesNothing) {
  expect_usage_error({"micro", "--plugin", "/nonexistent/libnothing.so"},
                     "--plugin '/nonexistent/libnothing.so': no such file");
  expect_usage_error({"micro", "--plugin", CONTEND_BAD_PLUGIN_BAD_ABI},
                     std::string("--plugin '") + CONTEND_BAD_PLUGIN_BAD_ABI + "': ABI 7, this contend accepts 1 to 2");
  expect_usage_error({"micro", "--plugin", CONTEND_BAD_PLUGIN_BUILTIN_NAME},
                     std::string("--plugin '") + CONTEND_BAD_PLUGIN_BUILTIN_NAME +
                         "': primitive 'ttas' is already a built-in primitive");
  expect_usage_error({"micro", "--plugin", CONTEND_EXAMPLE_PLUGIN, "--plugin", CONTEND_EXAMPLE_PLUGIN},
                     "primitive 'example-ttas' is already defined by --plugin");
  expect_usage_error({"micro", "--plugin", CONTEND_EXAMPLE_PLUGIN, "-p", "example-queue"},
                     "'example-queue' is a queue primitive");
  expect_usage_error({"micro", "--plugin", CONTEND_EXAMPLE_PLUGIN, "extra.so"}, "unexpected argument 'extra.so'");
}

TEST_F(E2EMicro, HelpHasExamples) {
  const RunOutput r = run_contend({"micro", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Examples:"), std::string::npos);
  EXPECT_NE(r.out.find("--benchmark_filter"), std::string::npos);
}

}  // namespace
}  // namespace contend::test
