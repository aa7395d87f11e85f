// Unit tests of the supervisor's deadlock watch (workloads/deadlock_watch.hpp), on a wait-for
// board written by hand: which readings of it are a deadlock, with no threads and no clock (the
// sample times are given), so every verdict is exact.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <tuple>

#include "workloads/deadlock_watch.hpp"
#include "workloads/run_control.hpp"

namespace contend {
namespace {

constexpr std::int64_t kMs = 1'000'000;

// Two workers and two locks; worker w holds lock w and waits for the other one.
struct Board {
  explicit Board(ConflictKind kind = ConflictKind::wait, std::int64_t timeout_ns = 0) : control(2) {
    spec.workers = 2;
    spec.on_conflict = {kind, timeout_ns};
    for (auto& w : waiting_for) w.store(BoardWait{-1, 0}.pack());
    for (auto& h : holder) h.store(-1);
    control.deadlock_waiting_for = waiting_for.data();
    control.deadlock_holder = holder.data();
    control.deadlock_locks = 2;
  }
  // Both workers in a cycle, in waits number `first` and `second`.
  void cycle(std::uint32_t first, std::uint32_t second) {
    holder[0].store(0);
    holder[1].store(1);
    waiting_for[0].store(BoardWait{1, first}.pack());
    waiting_for[1].store(BoardWait{0, second}.pack());
  }

  RunSpec spec;
  RunControl control;
  std::array<std::atomic<std::uint64_t>, 2> waiting_for;
  std::array<std::atomic<std::int32_t>, 2> holder;
};

TEST(DeadlockWatch, TheSameWaitsStandingTwentyMillisecondsAreADeadlock) {
  Board b;
  DeadlockWatch watch(b.spec, b.control);
  b.cycle(7, 9);
  EXPECT_FALSE(watch.deadlocked(100 * kMs));
  EXPECT_FALSE(watch.deadlocked(110 * kMs));
  EXPECT_TRUE(watch.deadlocked(120 * kMs));
  EXPECT_EQ(watch.first_worker(), 0);
  EXPECT_NE(watch.report().find("worker 0 waits for lock 1, held by worker 1; worker 1 waits for lock 0, held by "
                                "worker 0"),
            std::string::npos)
      << watch.report();
}

TEST(DeadlockWatch, NewWaitsOnTheSameLocksAreNotOneLongCycle) {
  // Two workers that give up, back off and collide again on the same two locks read the same at
  // every sample but for the waits' numbers; samples far apart (a supervisor that was not
  // scheduled) must not make that a deadlock either.
  Board b;
  DeadlockWatch watch(b.spec, b.control);
  std::uint32_t n = 1;
  for (std::int64_t t = 0; t < 1000 * kMs; t += 25 * kMs, ++n) {
    b.cycle(n, n + 1);
    EXPECT_FALSE(watch.deadlocked(t)) << "at " << t / kMs << " ms";
  }
  // One worker in the same wait, the other in new ones: still no standing cycle.
  for (std::int64_t t = 1000 * kMs; t < 2000 * kMs; t += 25 * kMs, ++n) {
    b.cycle(1, n);
    EXPECT_FALSE(watch.deadlocked(t)) << "at " << t / kMs << " ms";
  }
}

TEST(DeadlockWatch, AWaiterWhoseHolderLeftIsNoCycle) {
  Board b;
  DeadlockWatch watch(b.spec, b.control);
  b.cycle(3, 4);
  b.holder[0].store(-1);  // worker 0 released lock 0: worker 1's wait is about to end
  EXPECT_FALSE(watch.deadlocked(0));
  EXPECT_FALSE(watch.deadlocked(100 * kMs));
}

TEST(DeadlockWatch, WaitsThatEndByThemselvesAreGivenLonger) {
  // With --on-conflict try or timeout every wait ends by itself: a cycle stands only while its
  // workers are not scheduled, or when try_lock blocks; 200 ms, or twice the timeout.
  using Case = std::tuple<ConflictKind, std::int64_t, std::int64_t>;  // kind, timeout, confirmation
  for (const auto& [kind, timeout_ns, confirm_ns] :
       {Case{ConflictKind::timeout, 50'000, 200 * kMs}, Case{ConflictKind::try_once, 0, 200 * kMs},
        Case{ConflictKind::timeout, 150 * kMs, 300 * kMs}}) {
    Board b(kind, timeout_ns);
    DeadlockWatch watch(b.spec, b.control);
    b.cycle(5, 6);
    EXPECT_FALSE(watch.deadlocked(0));
    EXPECT_FALSE(watch.deadlocked(confirm_ns - 1)) << confirm_ns;
    EXPECT_TRUE(watch.deadlocked(confirm_ns)) << confirm_ns;
  }
}

TEST(DeadlockWatch, TheConfirmationNeverPassesHalfTheStall) {
  Board b(ConflictKind::timeout, 150 * kMs);
  b.spec.stall_ns = 100 * kMs;
  DeadlockWatch watch(b.spec, b.control);
  b.cycle(1, 1);
  EXPECT_FALSE(watch.deadlocked(0));
  EXPECT_TRUE(watch.deadlocked(50 * kMs));
}

TEST(DeadlockWatch, AWaitWordKeepsANegativeLockAndAFullNumber) {
  const BoardWait none = BoardWait::unpack(BoardWait{-1, 0xffff'fffe}.pack());
  EXPECT_EQ(none.lock, -1);
  EXPECT_EQ(none.number, 0xffff'fffeu);
  const BoardWait some = BoardWait::unpack(BoardWait{63, 1}.pack());
  EXPECT_EQ(some.lock, 63);
  EXPECT_EQ(some.number, 1u);
}

}  // namespace
}  // namespace contend
