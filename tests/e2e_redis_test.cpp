// End-to-end, against a real redis-server that this test starts (scripts/servers.sh, in a
// directory of its own, on a port of its own) and stops: redis-lock keeps mutual exclusion across
// threads and processes under stress, its lock-order checks work through the deadlock workload, a
// server that dies mid-run ends the configuration as an error that says so (not a hang), and a
// server that cannot be reached is one line and exit 2; a paused one ends the run as lost; the
// semaphore keeps its permits and its planted two-round-trip form is caught; Redlock over three
// servers of its own keeps exclusion while one is paused. When the server cannot start, every test
// is skipped with its log, never failed or faked.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/run_binary.hpp"
#include "tests/servers_script.hpp"

namespace contend::test {
namespace {

class Redis : public NoLeftoversTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = (std::filesystem::temp_directory_path() / ("contend-redis-test-" + std::to_string(getpid()))).string();
    // A port range of this process's own, so that tests running side by side do not meet.
    port_ = 20000 + static_cast<int>(getpid() % 20000);
    const auto [code, out] = servers(dir_, port_, "start redis");
    if (code != 0) {
      skip_reason_ = "redis-server did not start:\n" + out;
      return;
    }
    std::ifstream in(dir_ + "/redis.addr");
    std::getline(in, address_);
  }
  static void TearDownTestSuite() {
    servers(dir_, port_, "stop all");
    std::filesystem::remove_all(dir_);
  }
  void SetUp() override {
    NoLeftoversTest::SetUp();
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
  }

  static inline std::string dir_;
  static inline int port_ = 0;
  static inline std::string address_;
  static inline std::string skip_reason_;
};

TEST_F(Redis, TheLockKeepsMutualExclusionOnThreadsAndProcesses) {
  const RunOutput r = run_contend({"stress", "lock", "-p", "redis-lock", "--redis", address_, "--mode", "both", "-w",
                                   "2", "-d", "2s"},
                                  120);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("2 of 2 configurations passed every check"), std::string::npos) << r.out;
}

TEST_F(Redis, RunMeasuresItAndTheDeadlockWorkloadSeesItsLockOrder) {
  const RunOutput run = run_contend(
      {"run", "lock", "-p", "redis-lock", "--redis", address_, "-w", "1,2", "-d", "300ms", "-r", "1"}, 60);
  EXPECT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n') > 3, true) << run.out;
  const RunOutput inverted = run_contend({"stress", "deadlock", "-p", "redis-lock", "--redis", address_, "-w", "2",
                                          "--order", "random", "--on-conflict", "try", "-d", "500ms"},
                                         60);
  EXPECT_EQ(inverted.exit_code, 1) << inverted.err << inverted.out;
  EXPECT_NE(inverted.out.find("lock order: violation"), std::string::npos) << inverted.out;
}

TEST_F(Redis, TheLeaseHoldsItsChecksAndThePlantedLeasesAreCaught) {
  const std::vector<std::string> outliving = {"--ttl", "2ms", "--hold", "exp:2ms", "-d", "1s"};
  auto stress = [&](const std::string& primitive, int workers, const std::vector<std::string>& more) {
    std::vector<std::string> args = {"stress", "lease", "-p", primitive, "--redis", address_,
                                     "-w", std::to_string(workers)};
    args.insert(args.end(), more.begin(), more.end());
    return run_contend(args, 60);
  };
  const RunOutput plain_del = stress("broken-redis-lease-plain-del", 4, outliving);
  EXPECT_EQ(plain_del.exit_code, 1) << plain_del.err << plain_del.out;
  EXPECT_NE(plain_del.out.find("release by token: violation"), std::string::npos) << plain_del.out;
  const RunOutput no_px = stress("broken-redis-lease-no-px", 2, outliving);
  EXPECT_EQ(no_px.exit_code, 1) << no_px.err << no_px.out;
  EXPECT_NE(no_px.out.find("lease expiry: violation"), std::string::npos) << no_px.out;
  // 2 s: a pass needs 1,000 operations per worker, at two round trips each, on a loaded machine too.
  const RunOutput ok = stress("redis-lease", 2, {"--mode", "both", "-d", "2s"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
}

TEST_F(Redis, AServerThatDiesMidRunEndsItAsAnErrorNotAHang) {
  // A second server of this test's own, stopped while the run uses it.
  const std::string dir = dir_ + "-dying";
  const auto [code, out] = servers(dir, port_ + 100, "start redis");
  ASSERT_EQ(code, 0) << out;
  std::string address;
  std::getline(std::ifstream(dir + "/redis.addr"), address);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    servers(dir, port_ + 100, "stop all");
  });
  const RunOutput r =
      run_contend({"run", "lock", "-p", "redis-lock", "--redis", address, "-w", "2", "-d", "4s", "-r", "1"}, 60);
  stopper.join();
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("the Redis server was lost mid-run"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("contend: redis " + address), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 30) << "it ended by the server's loss, not a watchdog";
}

TEST_F(Redis, TheLockPollsWithARetryIntervalAndInMemoryLocksSayTheyDoNot) {
  const RunOutput polled = run_contend({"stress", "lock", "-p", "redis-lock", "--redis", address_, "-w", "2",
                                        "--retry-interval", "1ms", "-d", "2s"},
                                       60);
  EXPECT_EQ(polled.exit_code, 0) << polled.err << polled.out;
  EXPECT_NE(polled.out.find("lock/redis-lock/threads/workers:2/retry:1ms"), std::string::npos) << polled.out;
  const RunOutput mem = run_contend({"run", "lock", "-p", "ttas", "-w", "1", "--retry-interval", "1ms", "-d", "50ms",
                                     "-r", "1"},
                                    60);
  EXPECT_EQ(mem.exit_code, 0) << mem.err << mem.out;
  EXPECT_NE(mem.err.find("--retry-interval is for locks kept on a server"), std::string::npos) << mem.err;
  EXPECT_EQ(mem.out.find("retry:1ms"), std::string::npos) << "an in-memory lock runs without it: " << mem.out;
}

TEST_F(Redis, TheSemaphoreKeepsItsPermitsAndTheTwoRoundTripOneIsCaught) {
  const RunOutput ok = run_contend({"stress", "semaphore", "-p", "redis-semaphore", "--redis", address_, "-w", "4",
                                    "--permits", "2", "-d", "2s"},
                                   60);
  EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
  // Its race needs a client delayed between its two round trips: --perturb.
  const RunOutput fair = run_contend({"stress", "semaphore", "-p", "broken-redis-fair-semaphore", "--redis", address_,
                                      "-w", "8", "--permits", "1", "--perturb", "-d", "1s"},
                                     60);
  EXPECT_EQ(fair.exit_code, 1) << fair.err << fair.out;
  EXPECT_NE(fair.out.find("holders within permits: violation"), std::string::npos) << fair.out;
}

TEST_F(Redis, APausedServerEndsTheRunAsLostNamingItNotAHang) {
  const std::string dir = dir_ + "-paused";
  const auto [code, out] = servers(dir, port_ + 200, "start redis");
  ASSERT_EQ(code, 0) << out;
  std::string address;
  std::getline(std::ifstream(dir + "/redis.addr"), address);
  const pid_t pid = server_pid(dir, "redis");
  ASSERT_GT(pid, 0);
  std::thread pauser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    kill(pid, SIGSTOP);
  });
  const RunOutput r =
      run_contend({"stress", "lock", "-p", "redis-lock", "--redis", address, "-w", "2", "-d", "4s"}, 60);
  pauser.join();
  kill(pid, SIGCONT);
  servers(dir, port_ + 200, "stop all");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("the Redis server was lost mid-run"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("no reply within"), std::string::npos) << r.err;
}

TEST_F(Redis, RedlockKeepsExclusionWhileAMinorityIsPausedAndNeedsItsServers) {
  const std::string dir = dir_ + "-redlock";
  const auto [code, out] = servers(dir, port_ + 300, "start redlock 3");
  ASSERT_EQ(code, 0) << out;
  std::string addresses;
  std::getline(std::ifstream(dir + "/redlock.addr"), addresses);
  const pid_t pid = server_pid(dir, "redlock");
  ASSERT_GT(pid, 0);
  // One instance of three paused for 0.5 s mid-run: its votes time out (50 ms each) and the other
  // two carry the lock.
  std::thread pauser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    kill(pid, SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(pid, SIGCONT);
  });
  const RunOutput r =
      run_contend({"stress", "lock", "-p", "redlock-3", "--redis", addresses, "-w", "2", "-d", "3s"}, 60);
  pauser.join();
  const RunOutput too_few = run_contend({"run", "lock", "-p", "redlock-5", "--redis", addresses}, 20);
  servers(dir, port_ + 300, "stop all");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("1 of 1 configurations passed every check"), std::string::npos) << r.out;
  EXPECT_EQ(too_few.exit_code, 2) << too_few.err;
  EXPECT_NE(too_few.err.find("needs 5 Redis servers"), std::string::npos) << too_few.err;
}

TEST_F(Redis, AServerThatCannotBeReachedIsOneLineAndExitTwo) {
  const RunOutput r = run_contend({"run", "lock", "-p", "redis-lock", "--redis", "127.0.0.1:1"}, 20);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
  const RunOutput bad = run_contend({"run", "lock", "-p", "redis-lock", "--redis", "localhost"}, 20);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("not HOST:PORT"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace contend::test
