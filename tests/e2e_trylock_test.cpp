// End-to-end: the trylock workload (workloads/trylock_workload.hpp) as a user runs it: locks taken
// by retrying try_lock, their failed attempts counted apart, a try_lock that lies caught by the
// shared counters, and the locks without try_lock left out or refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using TryLockE2E = NoLeftoversTest;

TEST_F(TryLockE2E, RunsLocksByTheirTryLockAndCountsFailedAttempts) {
  TempDir dir;
  const RunOutput r = run_contend({"run", "trylock", "-p", "std-mutex,pthread-mutex", "-w", "2", "--mode", "both", "-d",
                                   "50ms", "--warmup", "0", "-r", "2", "--cs-ns", "200", "-o", dir.path().string()},
                                  60);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const json doc = json::parse(read_file(dir.path() / "results.json"));
  const json& configs = doc["contend"]["configurations"];
  ASSERT_EQ(configs.size(), 3u) << "std-mutex on threads; pthread-mutex on threads and processes";
  EXPECT_EQ(configs[0]["name"], "trylock/std-mutex/threads/workers:2/cs:200ns");
  std::uint64_t failed = 0;
  for (const json& b : doc["benchmarks"]) {
    if (b["run_type"] != "iteration") continue;
    ASSERT_TRUE(b.contains("failed_attempts")) << b.dump();
    failed += b["failed_attempts"].get<std::uint64_t>();
    EXPECT_GT(b["iterations"].get<std::uint64_t>(), 0u);
  }
  // Two workers on two cores, 200 ns held: some try_lock finds it taken.
  EXPECT_GT(failed, 0u);
  const std::string csv = read_file(dir.path() / "results.csv");
  EXPECT_NE(csv.find("trylock/pthread-mutex/processes/workers:2/cs:200ns,trylock,pthread-mutex"), std::string::npos)
      << csv;
  EXPECT_NE(r.out.find("trylock: an operation is one lock taken by retrying try_lock"), std::string::npos) << r.out;
}

// Two workers on the two cores, no work between increments, half a second, and these tests run
// alone (SERIAL in tests/CMakeLists.txt): with two holders at once, millions of unguarded
// increments lose some. (With other tests beside it, under a sanitizer, one core was not enough
// to lose any.)
TEST_F(TryLockE2E, ATryLockThatIgnoresTheHolderLosesUpdates) {
  const RunOutput r = run_contend({"run", "trylock", "-p", "broken-trylock", "-w", "2", "-d", "500ms", "--warmup", "0",
                                   "-r", "1"},
                                  60);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("violation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lost"), std::string::npos) << r.out;
}

TEST_F(TryLockE2E, LocksWithoutTryLockAreLeftOutOfAllAndRefusedByName) {
  const RunOutput all = run_contend({"run", "trylock", "-w", "1", "-d", "10ms", "--warmup", "0", "-r", "1"}, 120);
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.err.find("no try_lock for the trylock workload, left out"), std::string::npos) << all.err;
  EXPECT_EQ(all.out.find(" mcs "), std::string::npos) << all.out;

  const RunOutput named = run_contend({"run", "trylock", "-p", "mcs"}, 20);
  EXPECT_EQ(named.exit_code, 2) << named.err;
  EXPECT_NE(named.err.find("'mcs' has no try_lock, which the trylock workload needs; lock primitives that have "
                           "one: nolock, std-mutex"),
            std::string::npos)
      << named.err;
  EXPECT_EQ(named.err.find("anderson"), std::string::npos) << named.err;
  EXPECT_TRUE(named.out.empty());
}

}  // namespace
}  // namespace contend::test
