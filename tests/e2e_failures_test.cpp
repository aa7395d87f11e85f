// End-to-end: what goes wrong must end well. Bad input is one line and exit 2 with nothing
// written; a primitive that hangs or crashes becomes its configuration's verdict while the
// rest of the run goes on; Ctrl-C writes what was measured and exits 130. After each test no
// process that contend started is alive and /dev/shm is as it was.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using Failures = NoLeftoversTest;

TEST_F(Failures, BadInputIsOneLineExitTwoAndWritesNothing) {
  const std::vector<std::vector<std::string>> bad = {
      {"run", "lock", "-p", "no-such-lock"},
      {"run", "lock", "-p", "posix-sem"},
      {"run", "lock", "-w", "0"},
      {"run", "lock", "-w", "1,x"},
      {"run", "lock", "-w", "100000"},
      {"run", "lock", "-w", "2,2"},
      {"run", "lock", "-d", "-5s"},
      {"run", "lock", "-d", "5"},
      {"run", "lock", "-d", "fast"},
      {"run", "lock", "--warmup", "1parsec"},
      {"run", "lock", "--timeout", "1ms"},
      {"run", "lock", "-d", "1s", "--ops", "100"},
      {"run", "lock", "--ops", "0"},
      {"run", "lock", "-w", "4", "--ops", "2"},
      {"run", "lock", "-r", "0"},
      {"run", "lock", "--mode", "fibers"},
      {"run", "lock", "--pin", "everywhere"},
      {"run", "lock", "--format", "xml"},
      {"run", "lock", "--permits", "3"},
      {"run", "semaphore", "--cs-lines", "2"},
      {"run", "lock", "-p", "std-mutex", "--mode", "processes"},
      {"run", "semaphore", "-p", "std-counting", "--mode", "both"},
      {"run", "stack"},
      {"run"},
      {"frobnicate"},
      {"list", "--family", "stack"},
  };
  for (const auto& args : bad) {
    TempDir dir;
    const fs::path out = dir.path() / "out";
    std::vector<std::string> with_out = args;
    if (args.size() >= 2 && args[0] == "run") {
      with_out.push_back("-o");
      with_out.push_back(out.string());
    }
    const RunOutput r = run_contend(with_out, 20);
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << shown << "\n" << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << shown << "\n" << r.err;
    EXPECT_FALSE(fs::exists(out)) << shown << ": --out was created for a run that never started";
  }
}

TEST_F(Failures, UnwritableOutDirIsRefused) {
  TempDir dir;
  const fs::path file = dir.path() / "a-file";
  { std::ofstream(file) << "x"; }
  const RunOutput r = run_contend({"run", "lock", "-o", (file / "sub").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

TEST_F(Failures, HangBecomesTimeoutAndTheRunGoesOn) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "lock", "-p", "broken-hang,nolock", "-w", "2", "--mode", "both", "-d",
                                   "30ms", "--warmup", "0", "-r", "2", "--timeout", "1s", "-o",
                                   dir.path().string(), "--format", "json"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json j = json::parse(r.out);
  int timeouts = 0;
  for (const json& c : j["contend"]["configurations"]) {
    const std::string name = c["name"];
    if (name.find("broken-hang") != std::string::npos) {
      EXPECT_EQ(c["status"], "timeout") << name;
      EXPECT_EQ(c["repetitions"].size(), 1u) << "a hung configuration is not repeated";
      ++timeouts;
    } else {
      EXPECT_EQ(c["status"], "ok") << name;
      EXPECT_EQ(c["repetitions"].size(), 2u);
    }
  }
  EXPECT_EQ(timeouts, 2);
  EXPECT_LT(r.seconds, 30) << "two 1 s timeouts should not take this long";
  EXPECT_TRUE(fs::exists(dir.path() / "results.json"));
}

TEST_F(Failures, CrashBecomesCrashedWithTheSignalName) {
  const RunOutput r = run_contend({"run", "lock", "-p", "broken-crash,ttas-backoff", "-w", "1,2", "--mode", "both",
                                   "-d", "30ms", "--warmup", "0", "-r", "1", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json j = json::parse(r.out);
  for (const json& c : j["contend"]["configurations"]) {
    const std::string name = c["name"];
    const std::string status = c["repetitions"][0]["status"];
    if (name.find("broken-crash") != std::string::npos) {
      EXPECT_EQ(status, "crashed") << name;
      EXPECT_NE(c["repetitions"][0]["status_detail"].get<std::string>().find("SIGSEGV"), std::string::npos);
    } else {
      EXPECT_EQ(status, "ok") << name;
    }
  }
  // The table says it too, for the person at the terminal.
  const RunOutput table = run_contend({"run", "lock", "-p", "broken-crash", "-w", "1", "-d", "30ms", "-r", "1"});
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_NE(table.out.find("crashed: SIGSEGV"), std::string::npos) << table.out;
}

TEST_F(Failures, InterruptWritesWhatWasMeasuredAndExits130) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "lock", "-p", "ttas-backoff,pthread-mutex", "-w", "1,2", "--mode", "both",
                                   "-d", "300ms", "--warmup", "0", "-r", "10", "-o", dir.path().string()},
                                  60, /*interrupt_after=*/2.0);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.seconds, 10);
  const json j = json::parse(read_file(dir.path() / "results.json"));
  EXPECT_EQ(j["contend"]["complete"], false);
  int measured = 0;
  int interrupted = 0;
  for (const json& c : j["contend"]["configurations"]) {
    for (const json& rep : c["repetitions"]) {
      if (rep["status"] == "ok") ++measured;
      if (rep["status"] == "interrupted") ++interrupted;
    }
  }
  EXPECT_GT(measured, 0);
  // The repetition running when the signal came is marked interrupted; a signal that lands
  // between two repetitions leaves none to mark.
  EXPECT_LE(interrupted, 1);
  EXPECT_NE(r.err.find("interrupted"), std::string::npos);
}

}  // namespace
}  // namespace contend::test
