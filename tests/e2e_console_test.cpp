// End-to-end: the console and the command line as a hyperfine or Google Benchmark user expects
// them — a run's expected time said before it starts and a progress bar on a terminal (under
// script(1), which gives contend a pseudo-terminal), a column for every setting that varies
// within a table, "did you mean" for mistyped names, errors that point to the subcommand's
// --help, NO_COLOR, Google Benchmark's debug-build warning explained, JSON errors with their
// line and column, and --out handled alike by run and report.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;
using Console = NoLeftoversTest;

// Runs `command` under script(1), so that its stdout and stderr are a terminal, and returns
// what it wrote (both, as the terminal showed them); nullopt when script is not installed.
std::optional<std::string> on_a_terminal(const std::string& command) {
  if (!fs::exists("/usr/bin/script")) return std::nullopt;
  const std::string line = fmt::format("timeout 60 /usr/bin/script -qec '{}' /dev/null </dev/null", command);
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[4096];
  while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::string one_line(const RunOutput& r) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  return r.err;
}

TEST_F(Console, ALongRunSaysHowLongBeforeItStarts) {
  // 300 repetitions of 100 ms: about 40 s. Interrupted after 3 s (past the clock's calibration,
  // which a sanitizer build makes slow, and before which Ctrl-C is not yet caught), it has said
  // so already.
  const RunOutput r = run_contend(
      {"run", "lock", "-p", "ttas", "-w", "1", "-d", "100ms", "--warmup", "0", "-r", "300"}, 60, 3.0);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_EQ(r.err.rfind("contend: about ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(" for 300 repetitions; Ctrl-C stops and keeps what was measured\n"), std::string::npos) << r.err;
  // A short one says nothing of the kind.
  const RunOutput quick = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "1"});
  EXPECT_EQ(quick.err.find("contend: about"), std::string::npos) << quick.err;
}

TEST_F(Console, ATerminalGetsAProgressBarWithElapsedTimeAndTimeLeft) {
  const auto shown = on_a_terminal(fmt::format("{} run lock -p ttas,tas -w 1 -d 20ms --warmup 0 -r 3", contend_binary()));
  if (!shown) GTEST_SKIP() << "script(1) is not installed";
  EXPECT_NE(shown->find("[--------------------] 0/6  0 s elapsed  lock/ttas/threads/workers:1 (rep 1/3)"),
            std::string::npos)
      << *shown;
  EXPECT_NE(shown->find("left  lock/"), std::string::npos) << *shown;
  EXPECT_NE(shown->find("(rep 3/3)"), std::string::npos) << *shown;
  // Without a terminal, no bar: stderr stays clean for logs.
  const RunOutput piped = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "2"});
  EXPECT_EQ(piped.err.find("elapsed"), std::string::npos) << piped.err;
}

TEST_F(Console, EverySettingThatVariesHasAColumn) {
  const RunOutput r = run_contend({"run", "queue", "-p", "ring", "--producers", "1", "--consumers", "1", "--rate",
                                   "100000,1000000", "-d", "30ms", "--warmup", "0", "-r", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string header = r.out.substr(0, r.out.find('\n'));
  EXPECT_NE(header.find("workers     rate  Mops/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 1p1c   100000 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 1p1c  1000000 "), std::string::npos) << r.out;
  // A setting that does not vary stays out of the table.
  const RunOutput one = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "--cs-ns", "50", "-d", "10ms", "--warmup",
                                     "0", "-r", "1"});
  EXPECT_EQ(one.out.find("cs-ns"), std::string::npos) << one.out;
}

TEST_F(Console, MistypedNamesGetTheNearestOne) {
  EXPECT_EQ(one_line(run_contend({"lst"})), "contend: unknown subcommand 'lst'; did you mean 'list'? (see 'contend --help')\n");
  EXPECT_NE(one_line(run_contend({"frobnicate"})).find("the subcommands are: list, run, stress"), std::string::npos);
  EXPECT_NE(one_line(run_contend({"run", "lock", "-p", "ttaz"}))
                .find("unknown primitive 'ttaz' (did you mean 'ttas'?); lock primitives are: "),
            std::string::npos);
  EXPECT_NE(one_line(run_contend({"run", "lokc"})).find("'lokc' is not a workload (did you mean 'lock'?)"),
            std::string::npos);
  // stress names only the workloads it checks.
  EXPECT_TRUE(one_line(run_contend({"stress", "lok"}))
                  .ends_with("'lok' is not a workload (did you mean 'lock'?); expected one of lock, semaphore, rw, "
                             "pingpong, queue, lease, keyed, deadlock, jobs, tasks, isolation (see 'contend stress --help')\n"));
}

TEST_F(Console, ErrorsPointToTheSubcommandsHelp) {
  EXPECT_TRUE(one_line(run_contend({"run", "lock", "--cs-ns", "x"})).ends_with("(see 'contend run --help')\n"));
  EXPECT_TRUE(one_line(run_contend({"stress", "lock", "-p", "nope"})).ends_with("(see 'contend stress --help')\n"));
  EXPECT_TRUE(one_line(run_contend({"compare", "a.json"})).ends_with("(see 'contend compare --help')\n"));
  const RunOutput seed = run_contend({"run", "lock", "--seed", "-5"});
  EXPECT_NE(one_line(seed).find("--seed"), std::string::npos);
  EXPECT_NE(one_line(run_contend({"run", "lock", "--seed", "18446744073709551616"})).find("--seed"), std::string::npos);
}

TEST_F(Console, HelpSaysTheExitCodes) {
  EXPECT_NE(run_contend({"run", "--help"}).out.find("Exit code: 0 every configuration ok; 1 one failed"),
            std::string::npos);
  EXPECT_NE(run_contend({"stress", "--help"}).out.find("4 nothing failed but a"), std::string::npos);
  EXPECT_NE(run_contend({"compare", "--help"}).out.find("inconclusive (exit 4)"), std::string::npos);
  EXPECT_NE(run_contend({"suite", "--help"}).out.find("Exit code: as `contend run`'s"), std::string::npos);
}

TEST_F(Console, ReportOutMakesMissingParentsAndRefusesWhatCannotBeWrittenAsRunDoes) {
  TempDir dir;
  const fs::path results = dir.path() / "r";
  ASSERT_EQ(run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "1", "-o",
                         results.string(), "--format", "csv"})
                .exit_code,
            0);
  const std::string json = (results / "results.json").string();
  // Missing parents are made, as run -o makes its directory.
  const RunOutput made = run_contend({"report", json, "-o", (dir.path() / "new" / "deeper" / "r.html").string()});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(fs::exists(dir.path() / "new" / "deeper" / "r.html"));
  // A parent that is a file: one line and exit 2 for both, nothing written.
  std::ofstream(dir.path() / "plain") << "x";
  EXPECT_NE(one_line(run_contend({"report", json, "-o", (dir.path() / "plain" / "r.html").string()}))
                .find("--out: '" + (dir.path() / "plain").string() + "' exists and is not a directory"),
            std::string::npos);
  EXPECT_NE(one_line(run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "-o",
                                  (dir.path() / "plain" / "sub").string()}))
                .find("--out: cannot create directory"),
            std::string::npos);
  EXPECT_NE(one_line(run_contend({"report", json, "-o", dir.path().string()})).find("is a directory"),
            std::string::npos);
}

TEST_F(Console, MicroExplainsTheDebugWarningAndHonoursNoColor) {
  const RunOutput r = run_contend({"micro", "-p", "ttas", "--threads-max", "1", "--benchmark_min_time=0.001"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Google Benchmark writes its context, the warning among it, to stderr.
  EXPECT_EQ(r.err.find("***WARNING*** Library was built as DEBUG"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("note: Google Benchmark's library is Debian's debug build"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Run on ("), std::string::npos) << "the rest of the context is kept: " << r.err;
  const auto coloured = on_a_terminal(
      fmt::format("{} micro -p ttas --threads-max 1 --benchmark_min_time=0.001", contend_binary()));
  if (!coloured) GTEST_SKIP() << "script(1) is not installed";
  EXPECT_NE(coloured->find("\033["), std::string::npos) << "a terminal gets colour by default";
  const auto plain = on_a_terminal(
      fmt::format("env NO_COLOR=1 {} micro -p ttas --threads-max 1 --benchmark_min_time=0.001", contend_binary()));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->find("\033[3"), std::string::npos) << *plain;
}

}  // namespace
}  // namespace contend::test
