// End-to-end: `contend suite FILE.toml` as a user runs it. A tiny suite (20 ms runs) runs and
// writes the configurations its runs name, in file order; a bad suite is one line on stderr,
// exit 2, and nothing written. Verdicts never depend on timing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using E2ESuite = NoLeftoversTest;

fs::path write_suite(const TempDir& dir, const std::string& text) {
  const fs::path path = dir.path() / "suite.toml";
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kTinySuite = R"(name = "tiny"
description = "two runs, a few seconds"

[defaults]
duration = "20ms"
warmup = "0"
repetitions = 2
permits = 1          # semaphore runs only

[[run]]
workload = "lock"
primitive = ["ttas", "nolock"]
workers = [1, 2]

[[run]]
workload = "semaphore"
primitive = "posix-sem"
workers = 2
mode = "processes"
)";

TEST_F(E2ESuite, TinySuiteRunsAndWritesItsConfigurationsInFileOrder) {
  TempDir dir;
  const fs::path suite = write_suite(dir, kTinySuite);
  const fs::path out = dir.path() / "results";
  const RunOutput r = run_contend({"suite", suite.string(), "-o", out.string(), "--format", "json"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(read_file(out / "results.json"));
  std::vector<std::string> names;
  for (const json& c : j["contend"]["configurations"]) names.push_back(c["name"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{
                       "lock/ttas/threads/workers:1",
                       "lock/ttas/threads/workers:2",
                       "lock/nolock/threads/workers:1",
                       "lock/nolock/threads/workers:2",
                       "semaphore/posix-sem/processes/workers:2/permits:1",
                   }));
  EXPECT_EQ(j["contend"]["command_line"], fmt::format("contend suite {} -o {} --format json", suite.string(),
                                                      out.string()));
  EXPECT_EQ(json::parse(r.out), j) << "stdout JSON and results.json differ";
  EXPECT_TRUE(fs::exists(out / "results.csv"));
}

// One line on stderr naming the file and line, exit 2, and no output directory.
void expect_refused(const RunOutput& r, const std::string& message_start, const fs::path& out) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("contend: " + message_start, 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(fs::exists(out)) << "nothing may be written for a bad suite";
}

TEST_F(E2ESuite, BadValueExitsTwoWithFileAndLineAndWritesNothing) {
  TempDir dir;
  const fs::path suite = write_suite(dir, "name = \"bad\"\n\n[[run]]\nworkload = \"lock\"\nprimitive = \"ttas\"\n\n"
                                          "[[run]]\nworkload = \"lock\"\nprimitive = \"no-such-lock\"\n");
  const fs::path out = dir.path() / "results";
  const RunOutput r = run_contend({"suite", suite.string(), "-o", out.string()}, 30);
  expect_refused(r, suite.string() + ":7: --primitive: unknown primitive 'no-such-lock'; ", out);
}

TEST_F(E2ESuite, SyntaxErrorUnknownKeyAndMissingFileExitTwo) {
  TempDir dir;
  const fs::path out = dir.path() / "results";
  const fs::path syntax = write_suite(dir, "name = \"bad\"\n[[run]\n");
  expect_refused(run_contend({"suite", syntax.string(), "-o", out.string()}, 30), syntax.string() + ":2:", out);

  const fs::path unknown = write_suite(dir, "name = \"bad\"\n[[run]]\nworkload = \"lock\"\nworkrs = 2\n");
  expect_refused(run_contend({"suite", unknown.string(), "-o", out.string()}, 30),
                 unknown.string() + ":4: unknown key 'workrs' in [[run]]; accepted: workload, primitive, ", out);

  const fs::path missing = dir.path() / "missing.toml";
  expect_refused(run_contend({"suite", missing.string(), "-o", out.string()}, 30),
                 missing.string() + ": cannot read the suite file: No such file or directory", out);
}

TEST_F(E2ESuite, HelpShowsTheFormatAndExamples) {
  const RunOutput r = run_contend({"suite", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("[[run]]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Examples:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--plugin"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace contend::test
