// End-to-end: `contend list` and `contend run` as a user runs them, checked through the files
// and output they produce. Short durations keep each test to a few seconds; verdicts never
// depend on timing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using E2E = NoLeftoversTest;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  return lines;
}

TEST_F(E2E, ListShowsEveryPrimitiveWithItsFacts) {
  const RunOutput r = run_contend({"list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"std-mutex", "pthread-mutex", "ttas-backoff", "nolock", "std-counting", "posix-sem"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(r.out.find("broken-"), std::string::npos) << "planted bugs are hidden by default";
}

TEST_F(E2E, ListJsonHasTheDocumentedFields) {
  const RunOutput r = run_contend({"list", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json list = json::parse(r.out);
  ASSERT_TRUE(list.is_array());
  ASSERT_GE(list.size(), 6u);
  bool saw_std_mutex = false;
  for (const json& p : list) {
    for (const char* key : {"name", "family", "origin", "process_shared", "description"}) {
      ASSERT_TRUE(p.contains(key)) << key;
    }
    EXPECT_TRUE(p["process_shared"].is_boolean());
    if (p["name"] == "std-mutex") {
      saw_std_mutex = true;
      EXPECT_EQ(p["family"], "lock");
      EXPECT_EQ(p["origin"], "std");
      EXPECT_EQ(p["process_shared"], false);
    }
    if (p["name"] == "posix-sem") {
      EXPECT_EQ(p["family"], "semaphore");
      EXPECT_EQ(p["origin"], "posix");
      EXPECT_EQ(p["process_shared"], true);
    }
  }
  EXPECT_TRUE(saw_std_mutex);
}

TEST_F(E2E, ListFiltersByFamilyAndShowsPlantedBugsOnRequest) {
  const RunOutput sem = run_contend({"list", "--family", "semaphore", "--format", "json"});
  ASSERT_EQ(sem.exit_code, 0) << sem.err;
  for (const json& p : json::parse(sem.out)) EXPECT_EQ(p["family"], "semaphore");
  const RunOutput broken = run_contend({"list", "--show-broken"});
  ASSERT_EQ(broken.exit_code, 0);
  EXPECT_NE(broken.out.find("broken-hang"), std::string::npos);
  EXPECT_NE(broken.out.find("broken-crash"), std::string::npos);
}

TEST_F(E2E, HelpAndVersion) {
  const RunOutput help = run_contend({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("run"), std::string::npos);
  const RunOutput run_help = run_contend({"run", "--help"});
  EXPECT_EQ(run_help.exit_code, 0);
  EXPECT_NE(run_help.out.find("Examples:"), std::string::npos);
  EXPECT_NE(run_help.out.find("--workers"), std::string::npos);
  const RunOutput version = run_contend({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("contend ", 0), 0u) << version.out;
}

// Checks the three kinds of file a run writes and returns the parsed JSON.
json check_result_files(const fs::path& dir, std::size_t configs, std::size_t repetitions) {
  EXPECT_TRUE(fs::exists(dir / "results.csv"));
  EXPECT_TRUE(fs::exists(dir / "results.json"));
  const std::vector<std::string> csv = lines_of(read_file(dir / "results.csv"));
  EXPECT_EQ(csv.size(), 1 + configs * repetitions);
  const auto columns = std::count(csv[0].begin(), csv[0].end(), ',');
  for (const auto& line : csv) EXPECT_EQ(std::count(line.begin(), line.end(), ','), columns) << line;
  for (const char* col : {"workload", "primitive", "mode", "workers", "repetition", "status", "throughput_ops_per_s"}) {
    EXPECT_NE(csv[0].find(col), std::string::npos) << col;
  }
  std::size_t hgrm = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename().string().rfind('.', 0), std::string::npos)
        << "temporary file left behind: " << e.path();
    if (e.path().extension() == ".hgrm") {
      ++hgrm;
      EXPECT_NE(read_file(e.path()).find("Percentile"), std::string::npos);
    }
  }
  const json j = json::parse(read_file(dir / "results.json"));
  EXPECT_TRUE(j.contains("context"));
  EXPECT_TRUE(j.contains("benchmarks"));
  EXPECT_TRUE(j.contains("contend"));
  EXPECT_EQ(j["contend"]["configurations"].size(), configs);
  // One .hgrm per configuration with latency samples: on a slow machine (a sanitizer build) a
  // short repetition may time none of its few operations, and then it has no file.
  std::size_t sampled = 0;
  for (const json& config : j["contend"]["configurations"]) {
    std::uint64_t samples = config["latency_histogram"]["total"].get<std::uint64_t>();
    if (config.contains("violation_latency_histogram")) {
      samples += config["violation_latency_histogram"]["total"].get<std::uint64_t>();
    }
    if (samples > 0) ++sampled;
  }
  EXPECT_EQ(hgrm, sampled);
  EXPECT_GT(sampled, 0u);
  return j;
}

// How many configurations `-p all --mode both` makes for a family at one worker count: every
// visible primitive on threads, and the process-shared ones on processes too.
std::size_t both_mode_configs(const std::string& family) {
  const RunOutput r = run_contend({"list", "--family", family, "--format", "json"});
  std::size_t n = 0;
  for (const json& p : json::parse(r.out)) {
    if (p["origin"] == "backend") continue;  // kept on a server: never in "all"
    n += p["process_shared"].get<bool>() ? 2 : 1;
  }
  return n;
}

TEST_F(E2E, RunLockOnThreadsAndProcessesWritesEveryFormat) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "lock", "-p", "all", "-w", "1,2", "--mode", "both", "-d", "30ms",
                                   "--warmup", "10ms", "-r", "2", "-o", dir.path().string(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Locks that cannot cross processes (std-mutex, mcs) run on threads only.
  const json j = check_result_files(dir.path(), 2 * both_mode_configs("lock"), 2);
  EXPECT_NE(r.err.find("std-mutex is not process-shared"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(r.out), j) << "stdout JSON and results.json differ";
  for (const json& b : j["benchmarks"]) {
    if (b["run_type"] != "iteration") continue;
    EXPECT_EQ(b["status"], "ok") << b["name"];
    if (b["name"].get<std::string>().find("/atomic-add/") != std::string::npos) {
      EXPECT_EQ(b["lost_updates"], 0) << "the atomic counter loses nothing";
    }
    EXPECT_GT(b["items_per_second"].get<double>(), 0) << b["name"];
    EXPECT_GT(b["iterations"].get<double>(), 0) << b["name"];
  }
  EXPECT_EQ(r.out.find("NaN"), std::string::npos);
  EXPECT_EQ(r.out.find("Infinity"), std::string::npos);
}

TEST_F(E2E, EveryResultRecordsTheLoadAtBothEndsAndItsNoiseFindings) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "3",
                                   "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(read_file(dir.path() / "results.json"));
  const json& env = j["contend"]["environment"];
  ASSERT_TRUE(env["load_average"].is_array());
  ASSERT_TRUE(env["load_average_end"].is_array()) << env.dump();
  EXPECT_EQ(env["load_average_end"].size(), 3u);
  ASSERT_TRUE(env["runnable_others_end"].is_number_integer()) << env.dump();
  EXPECT_GE(env["runnable_others_end"].get<int>(), 0);
  EXPECT_TRUE(j["contend"]["warnings"].is_array());
  const json& noise = j["contend"]["configurations"][0]["noise"];
  EXPECT_EQ(noise["repetitions"], 3);
  for (const char* key : {"cv", "spread", "outliers", "warnings"}) EXPECT_TRUE(noise.contains(key)) << key;
  // Whatever this machine's noise, each warning is also a note under the table.
  for (const json& w : noise["warnings"]) {
    EXPECT_NE(r.out.find(w.get<std::string>()), std::string::npos) << w << r.out;
  }
}

TEST_F(E2E, AnUntimedConfigurationGetsNoHgrmFile) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "1",
                                   "--sample", "0", "-o", dir.path().string(), "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "results.json"));
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_NE(e.path().extension(), ".hgrm") << e.path();
}

TEST_F(E2E, RunSemaphoreOnThreadsAndProcesses) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "semaphore", "-w", "1,3", "--permits", "1", "--mode", "both", "-d",
                                   "30ms", "--warmup", "0", "-r", "1", "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  // --permits 1, so every semaphore takes part (std-binary holds only one).
  const json j = check_result_files(dir.path(), 2 * both_mode_configs("semaphore"), 1);
  for (const json& c : j["contend"]["configurations"]) EXPECT_EQ(c["status"], "ok") << c["name"];
  EXPECT_NE(r.out.find("posix-sem"), std::string::npos) << "the table names the primitives";
}

TEST_F(E2E, OperationCountBoundsTheRun) {
  const RunOutput r = run_contend({"run", "lock", "-p", "pthread-mutex", "-w", "3", "--ops", "30001",
                                   "--warmup", "0", "-r", "1", "--mode", "processes", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  const json& rep = j["contend"]["configurations"][0]["repetitions"][0];
  std::uint64_t total = 0;
  for (const json& w : rep["workers"]) total += w["operations"].get<std::uint64_t>();
  EXPECT_EQ(total, 30001u);
  EXPECT_EQ(rep["lost_updates"], 0);
}

TEST_F(E2E, NoLockReportsItsLostUpdatesWithoutFailing) {
  const RunOutput r = run_contend({"run", "lock", "-p", "nolock", "-w", "2", "--ops", "2000000", "--warmup", "0",
                                   "-r", "1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json rep = json::parse(r.out)["contend"]["configurations"][0]["repetitions"][0];
  EXPECT_EQ(rep["status"], "ok");
  // Two unsynchronized writers on 2 cores lose some of 2 million increments in practice; the
  // point checked is that the count is reported, so only its type is asserted.
  EXPECT_TRUE(rep["lost_updates"].is_number_unsigned());
}

// `race` exists to show what an unsynchronized counter loses, so its output must say so. Two
// workers on 2 cores for 3 x 200 ms interleave millions of read-increment-writes of one line;
// a run with no lost update at all would mean the workers never overlapped.
TEST_F(E2E, RaceReportsItsLostUpdatesAsExpected) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "lock", "-p", "race", "-w", "2", "-d", "200ms", "--warmup", "20ms",
                                   "-r", "3", "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir.path() / "results.json");
  const json config = json::parse(in)["contend"]["configurations"][0];
  EXPECT_EQ(config["status"], "ok") << "race promises no exclusion: losses are not a violation";
  std::uint64_t lost = 0;
  std::uint64_t checked = 0;
  for (const json& rep : config["repetitions"]) {
    lost += rep["lost_updates"].get<std::uint64_t>();
    checked += rep["checked_updates"].get<std::uint64_t>();
  }
  ASSERT_GT(lost, 0u) << "two unsynchronized workers on two cores lost nothing";
  EXPECT_LT(lost, checked);
  const std::string note = fmt::format("lock/race/threads/workers:2: lost {} of {} updates of the shared counter",
                                       lost, checked);
  EXPECT_NE(r.out.find(note), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gives no mutual exclusion, so this is expected"), std::string::npos) << r.out;
}

TEST_F(E2E, EveryTableFormatGoesToStdout) {
  for (const char* format : {"table", "csv", "markdown"}) {
    const RunOutput r = run_contend({"run", "lock", "-p", "ttas-backoff", "-w", "1", "-d", "20ms", "--warmup", "0",
                                     "-r", "1", "--format", format});
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_NE(r.out.find("ttas-backoff"), std::string::npos) << format;
  }
}

TEST_F(E2E, PinningReportsTheCpusTheKernelGave) {
  const RunOutput r = run_contend({"run", "lock", "-p", "ttas-backoff", "-w", "2", "--pin", "compact", "-d", "20ms",
                                   "--warmup", "0", "-r", "1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json rep = json::parse(r.out)["contend"]["configurations"][0]["repetitions"][0];
  for (const json& w : rep["workers"]) {
    EXPECT_GE(w["pinned_cpu"].get<int>(), 0);
    EXPECT_EQ(w["cpu_first"], w["pinned_cpu"]);
    EXPECT_EQ(w["cpu_last"], w["pinned_cpu"]);
  }
}

// Every handoff mechanism on threads and on processes, one pair of workers. --sample 1 times
// every round trip, so that even spin-flag on loaded cores (a few round trips per time slice)
// has latency samples; the verdicts do not depend on how many round trips fit in 50 ms.
TEST_F(E2E, RunPingpongOnThreadsAndProcesses) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "pingpong", "-p", "all", "--mode", "both", "-w", "2", "-d", "50ms",
                                   "--warmup", "10ms", "-r", "1", "--sample", "1", "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = check_result_files(dir.path(), both_mode_configs("pingpong"), 1);
  for (const json& c : j["contend"]["configurations"]) {
    EXPECT_EQ(c["status"], "ok") << c["name"];
    EXPECT_EQ(c["name"].get<std::string>().rfind("pingpong/", 0), 0u) << c["name"];
    for (const json& rep : c["repetitions"]) {
      ASSERT_EQ(rep["workers"].size(), 2u) << c["name"];
      const auto initiator = rep["workers"][0]["operations"].get<std::uint64_t>();
      const auto responder = rep["workers"][1]["operations"].get<std::uint64_t>();
      EXPECT_GT(initiator, 0u) << c["name"];
      EXPECT_EQ(initiator, responder) << c["name"] << ": each received the other's messages, one for one";
    }
  }
  for (const json& b : j["benchmarks"]) {
    if (b["run_type"] != "iteration") continue;
    EXPECT_GT(b["latency_ns"]["samples"].get<std::uint64_t>(), 0u) << b["name"];
  }
  EXPECT_NE(r.out.find("pingpong: an operation is one handoff; latency columns are full round trips"),
            std::string::npos)
      << r.out;
}

TEST_F(E2E, RunQueueChecksEveryItemOnThreadsAndProcesses) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "queue", "-p", "ring,monitor-queue", "--mode", "both", "--producers", "2",
                                   "--consumers", "1,2", "--capacity", "64", "--wait", "yield", "-d", "50ms",
                                   "--warmup", "10ms", "-r", "1", "--sample", "4", "-o", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = check_result_files(dir.path(), 2 * 2 * 2, 1);
  for (const json& c : j["contend"]["configurations"]) {
    EXPECT_EQ(c["status"], "ok") << c["name"];
    for (const json& rep : c["repetitions"]) {
      std::uint64_t pushed = 0, delivered = 0;
      for (const json& w : rep["workers"]) {
        (w["role"] == "producer" ? pushed : delivered) += w["operations"].get<std::uint64_t>();
      }
      EXPECT_GT(delivered, 0u) << c["name"];
      // Every item pushed, warmup included, was checked; the measured window is part of it.
      EXPECT_GE(rep["checked_updates"].get<std::uint64_t>(), pushed) << c["name"];
    }
  }
  for (const json& b : j["benchmarks"]) {
    if (b["run_type"] != "iteration") continue;
    EXPECT_GT(b["latency_ns"]["samples"].get<std::uint64_t>(), 0u) << b["name"] << ": enqueue-to-dequeue samples";
    EXPECT_GT(b["produced_items"].get<std::uint64_t>(), 0u) << b["name"];
  }
  EXPECT_NE(r.out.find("queue: an operation is one item delivered to a consumer"), std::string::npos) << r.out;
}

TEST_F(E2E, QueueThatLosesAndRepeatsItemsIsAViolation) {
  const RunOutput r = run_contend({"run", "queue", "-p", "broken-queue", "--mode", "both", "--producers", "1",
                                   "--consumers", "2", "--ops", "20000", "--warmup", "0", "-r", "1", "--format",
                                   "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["contend"]["configurations"].size(), 2u);
  for (const json& c : j["contend"]["configurations"]) {
    EXPECT_EQ(c["status"], "violation") << c["name"];
    const std::string detail = c["repetitions"][0]["status_detail"];
    EXPECT_NE(detail.find("of 20000 items"), std::string::npos) << detail;
    EXPECT_NE(detail.find(" lost, "), std::string::npos) << detail;
    EXPECT_EQ(detail.find(" 0 lost, "), std::string::npos) << "it drops items: " << detail;
    EXPECT_EQ(detail.find(" 0 duplicated, "), std::string::npos) << "it repeats items: " << detail;
  }
}

TEST_F(E2E, PairsAndOpenLoopQueueRunAndCheckTheirItems) {
  const RunOutput pairs = run_contend({"run", "pairs", "-p", "ring,monitor-queue", "--mode", "both", "-w", "1,3",
                                       "--outside-ns", "20", "-d", "40ms", "--warmup", "10ms", "-r", "1", "--format",
                                       "json"});
  ASSERT_EQ(pairs.exit_code, 0) << pairs.err;
  const json p = json::parse(pairs.out);
  ASSERT_EQ(p["contend"]["configurations"].size(), 8u);
  for (const json& c : p["contend"]["configurations"]) {
    EXPECT_EQ(c["status"], "ok") << c["name"];
    EXPECT_EQ(c["name"].get<std::string>().rfind("pairs/", 0), 0u) << c["name"];
    EXPECT_GT(c["repetitions"][0]["checked_updates"].get<std::uint64_t>(), 0u) << c["name"];
  }

  // Open loop: 1000 items a second for 100 ms is about 100 items, each timed from when it was due.
  const RunOutput paced = run_contend({"run", "queue", "-p", "ring", "--rate", "1000", "--wait", "yield", "-d",
                                       "100ms", "--warmup", "0", "-r", "1", "--sample", "1", "--format", "json"});
  ASSERT_EQ(paced.exit_code, 0) << paced.err;
  const json q = json::parse(paced.out);
  const json& b = q["benchmarks"][0];
  EXPECT_EQ(b["name"], "queue/ring/threads/producers:1/consumers:1/capacity:1024/wait:yield/rate:1000");
  const auto delivered = b["iterations"].get<double>();
  EXPECT_GE(delivered, 50);
  EXPECT_LE(delivered, 150);
  EXPECT_EQ(b["latency_ns"]["samples"].get<double>(), delivered);

  // The lock workload's open loop: 2 workers offering 1000 acquisitions a second each for 200 ms.
  const RunOutput locks = run_contend({"run", "lock", "-p", "std-mutex", "-w", "2", "--rate", "1000", "-d", "200ms",
                                       "--warmup", "0", "-r", "1", "--sample", "1", "--format", "json"});
  ASSERT_EQ(locks.exit_code, 0) << locks.err;
  const json lock_doc = json::parse(locks.out);
  const json& l = lock_doc["benchmarks"][0];
  EXPECT_EQ(l["name"], "lock/std-mutex/threads/workers:2/rate:1000");
  const auto acquired = l["iterations"].get<double>();
  EXPECT_GE(acquired, 200);
  EXPECT_LE(acquired, 600);
}

}  // namespace
}  // namespace contend::test
