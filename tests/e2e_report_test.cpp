// End-to-end: `contend report` as a user runs it, on the results.json of a real short run:
// the page is written whole, bad input is refused with exit 2 and nothing written, labels come
// from the paths or from --label. (The page in a browser: e2e_report_render_test.cpp.)
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// One short lock run shared by the tests of this file: 2 primitives x 2 worker counts.
class ReportE2E : public NoLeftoversTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const RunOutput r = run_contend({"run", "lock", "-p", "std-mutex,ttas", "-w", "1,2", "-d", "20ms", "--warmup",
                                     "5ms", "-r", "2", "-o", (dir_->path() / "run").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path results() { return dir_->path() / "run" / "results.json"; }
  static TempDir* dir_;
};

TempDir* ReportE2E::dir_ = nullptr;

TEST_F(ReportE2E, WritesOneSelfContainedPage) {
  TempDir out;
  const fs::path page = out.path() / "report.html";
  const RunOutput r = run_contend({"report", results().string(), "-o", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << "with -o nothing goes to stdout";
  ASSERT_TRUE(fs::exists(page));
  const std::string html = read_file(page);
  EXPECT_EQ(count_of(html, "<svg "), 5u)
      << "throughput, latency at 2 workers, fairness, CPU for the one lock scenario, and latency at 1 worker small";
  EXPECT_NE(html.find("std-mutex (threads)"), std::string::npos);
  EXPECT_NE(html.find("ttas (threads)"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const auto& e : fs::directory_iterator(out.path())) {
    EXPECT_EQ(e.path().filename(), "report.html") << "temporary file left behind: " << e.path();
  }
}

TEST_F(ReportE2E, MarkdownGoesToStdoutWithoutOut) {
  const RunOutput r = run_contend({"report", results().string(), "--format", "markdown", "--title", "Locks"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# Locks\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("## lock\n"), std::string::npos);
  EXPECT_NE(r.out.find("| series | 1 | 2 |"), std::string::npos) << r.out;
}

TEST_F(ReportE2E, LabelsComeFromThePathsAndAreMadeUnique) {
  TempDir out;
  for (const char* machine : {"a", "b"}) {
    fs::create_directories(out.path() / machine / "lock");
    fs::copy_file(results(), out.path() / machine / "lock" / "results.json");
  }
  fs::copy_file(results(), out.path() / "base.json");
  const RunOutput r = run_contend({"report", (out.path() / "a/lock/results.json").string(),
                                   (out.path() / "b/lock/results.json").string(), (out.path() / "base.json").string(),
                                   "--format", "markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("| a/lock: std-mutex (threads) |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| b/lock: std-mutex (threads) |"), std::string::npos);
  EXPECT_NE(r.out.find("| base: ttas (threads) |"), std::string::npos);
}

TEST_F(ReportE2E, TwoFilesAreABeforeAndAfterPageWithTheGatesVerdicts) {
  TempDir out;
  const fs::path page = out.path() / "diff.html";
  const RunOutput r = run_contend(
      {"report", results().string(), results().string(), "--label", "old", "--label", "new", "-o", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_file(page);
  const std::size_t summary = html.find("<section id=\"summary\"");
  ASSERT_NE(summary, std::string::npos);
  EXPECT_NE(html.find("<h3>old → new</h3>", summary), std::string::npos);
  // The same file twice: nothing regressed or improved, whatever the noise.
  EXPECT_NE(html.find("none regressed, 0 improved", summary), std::string::npos) << html.substr(summary, 2000);
  EXPECT_NE(html.find("<p>gate: ", summary), std::string::npos);
  EXPECT_NE(html.find("<th>95% interval</th><th>verdict</th>", summary), std::string::npos);
  const RunOutput md = run_contend({"report", results().string(), results().string(), "--label", "old", "--label",
                                    "new", "--format", "markdown"});
  EXPECT_NE(md.out.find("### old → new"), std::string::npos) << md.out;
}

TEST_F(ReportE2E, LabelsFromTheCommandLine) {
  const RunOutput r = run_contend({"report", results().string(), results().string(), "--label", "old",
                                   "--label", "new box", "--format", "markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("| old: ttas (threads) |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| new box: ttas (threads) |"), std::string::npos);

  const RunOutput wrong_count = run_contend({"report", results().string(), results().string(), "--label", "one"});
  EXPECT_EQ(wrong_count.exit_code, 2);
  EXPECT_NE(wrong_count.err.find("--label given 1 times for 2 result files"), std::string::npos) << wrong_count.err;
}

TEST_F(ReportE2E, BadInputIsRefusedAndNothingIsWritten) {
  TempDir out;
  const fs::path page = out.path() / "report.html";
  const fs::path not_json = out.path() / "notes.json";
  std::ofstream(not_json) << "this is not JSON\n";
  const fs::path missing = out.path() / "missing.json";

  for (const fs::path& bad : {not_json, missing}) {
    // The good file first: nothing may be written even when part of the input was read.
    const RunOutput r = run_contend({"report", results().string(), bad.string(), "-o", page.string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(bad.string()), std::string::npos) << "names the file: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_FALSE(fs::exists(page));
  }
  const RunOutput not_json_run = run_contend({"report", not_json.string()});
  EXPECT_NE(not_json_run.err.find(not_json.string() + ": line 1, column "), std::string::npos) << not_json_run.err;
  EXPECT_NE(not_json_run.err.find(": not JSON: syntax error"), std::string::npos) << not_json_run.err;
  EXPECT_EQ(not_json_run.err.find("json.exception"), std::string::npos) << not_json_run.err;
  const RunOutput missing_run = run_contend({"report", missing.string()});
  EXPECT_NE(missing_run.err.find("no such file"), std::string::npos) << missing_run.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(out.path()), fs::directory_iterator()), 1) << "only notes.json";
}

TEST_F(ReportE2E, HelpHasExamples) {
  const RunOutput r = run_contend({"report", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Examples:"), std::string::npos);
  EXPECT_NE(r.out.find("--label"), std::string::npos);
  EXPECT_NE(r.out.find("stdout"), std::string::npos);
}

}  // namespace
}  // namespace contend::test
