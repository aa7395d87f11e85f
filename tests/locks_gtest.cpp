// Unit tests of the lock primitives: the single-thread contract, mutual exclusion under
// contention on threads and on forked processes, recovery of the robust mutex from a dead owner,
// and the two baselines. Every invariant here has a planted bug below that shows it can fail.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "primitives/catalog.hpp"
#include "primitives/cpu_relax.hpp"
#include "tests/primitive_test_helpers.hpp"

namespace contend {
namespace {

using testing::Child;
using testing::exited_cleanly;
using testing::run_threads;
using testing::PrimitiveTestName;
using testing::SharedMapping;

// Enough hand-offs to catch a broken lock, few enough to finish in well under a second.
constexpr int kThreads = 4;
constexpr int kIterations = 20000;
constexpr int kChildIterations = 20000;
// Each contending worker also stops at this deadline: on a loaded machine a preempted holder (or
// next-in-line, for FIFO locks) can stall spinning workers for whole time slices — 2 anderson
// processes once took 17 s for 2 x 20000 with other builds running. The invariants stay exact,
// checked against the critical sections actually completed.
constexpr auto kTimeBudget = std::chrono::seconds(1);
// A safety net against hangs: a hung child (or the parent, in the robust test) dies of SIGALRM
// and the test reports it instead of waiting for ctest's timeout.
constexpr unsigned kAlarmSeconds = 10;

// Strict-FIFO spinlocks hand the lock to the next in line even while the scheduler has it
// preempted; with more threads than cores nearly every hand-off then waits out a time slice
// (4 threads on 2 cores ran past ctest's 120 s timeout for ticket and mcs). They run one thread
// per core, at least 2 and at most kThreads: still contended, and the collapse is left for
// `contend run` to show.
template <class L>
constexpr bool kStrictFifoSpin =
    std::same_as<L, TicketLock> || std::same_as<L, McsLock> || std::same_as<L, AndersonLock>;

template <class L>
int contending_threads() {
  if constexpr (kStrictFifoSpin<L>) {
    return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, kThreads);
  } else {
    return kThreads;
  }
}

template <class L>
std::unique_ptr<L> make_private_lock() {
  if constexpr (std::constructible_from<L, Sharing>) {
    return std::make_unique<L>(Sharing::thread_private);
  } else {
    return std::make_unique<L>();
  }
}

// What the critical section guards. `counter` is a plain integer on purpose: only the lock
// keeps its increments from racing. `inside` counts the threads in the critical section; the
// lock must keep it at one. `completed` sums the critical sections the workers finished. Relaxed
// is enough for the atomics: a fetch_add always reads the latest value of its own variable, and
// ordering between threads is the lock's job (or the join's, for `completed`).
struct Guarded {
  std::uint64_t counter = 0;
  std::atomic<int> inside{0};
  std::atomic<std::uint64_t> overlaps{0};
  std::atomic<std::uint64_t> completed{0};
};

// Runs up to `iterations` critical sections, fewer if the time budget runs out; `body` is what
// happens inside, after the occupancy check.
template <class L, class Body>
void critical_sections(L& lock, Guarded& g, int iterations, Body body) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeBudget;
  int i = 0;
  for (; i < iterations; ++i) {
    // Reading the clock every 64 sections keeps it out of the contention pattern.
    if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) break;
    lock.lock();
    if (g.inside.fetch_add(1, std::memory_order_relaxed) != 0) {
      g.overlaps.fetch_add(1, std::memory_order_relaxed);
    }
    body();
    g.inside.fetch_sub(1, std::memory_order_relaxed);
    lock.unlock();
  }
  g.completed.fetch_add(static_cast<std::uint64_t>(i), std::memory_order_relaxed);
}

// The lock and what it guards, built together in one shared mapping.
template <class L>
struct SharedState {
  L lock;
  Guarded guarded;

  template <class... Args>
  explicit SharedState(Args&&... args) : lock(std::forward<Args>(args)...) {}
};

template <class L>
SharedState<L>* make_shared_state(void* where) {
  if constexpr (std::constructible_from<L, Sharing>) {
    return new (where) SharedState<L>(Sharing::process_shared);
  } else {
    return new (where) SharedState<L>();
  }
}

// ---- Every lock that gives mutual exclusion ----

template <class L>
class LockContract : public ::testing::Test {};

using ExclusiveLocks =
    ::testing::Types<TasLock, TtasLock, TicketLock, McsLock, AndersonLock, SpinYieldLock, HybridLock,
                     PthreadAdaptiveMutex, PthreadRobustMutex, StdMutex, PthreadMutex, TtasBackoffLock>;
TYPED_TEST_SUITE(LockContract, ExclusiveLocks, PrimitiveTestName);

TYPED_TEST(LockContract, LockThenUnlockTwice) {
  auto lock = make_private_lock<TypeParam>();
  lock->lock();
  lock->unlock();
  lock->lock();
  lock->unlock();
}

TYPED_TEST(LockContract, TryLockSucceedsWhenFreeFailsWhenHeld) {
  if constexpr (!TryLock<TypeParam>) {
    GTEST_SKIP() << TypeParam::kName << " has no try_lock()";
  } else {
    auto lock = make_private_lock<TypeParam>();
    ASSERT_TRUE(lock->try_lock());
    // From another thread: relocking from the owner is undefined for most of these locks.
    bool other_got_it = true;
    std::thread([&] { other_got_it = lock->try_lock(); }).join();
    EXPECT_FALSE(other_got_it) << "try_lock() succeeded while the lock was held";
    lock->unlock();

    // The other thread unlocks itself: robust mutexes refuse an unlock() from a non-owner.
    bool other_got_it_after = false;
    std::thread([&] {
      other_got_it_after = lock->try_lock();
      if (other_got_it_after) lock->unlock();
    }).join();
    EXPECT_TRUE(other_got_it_after) << "try_lock() failed on a free lock";
    ASSERT_TRUE(lock->try_lock());
    lock->unlock();
  }
}

TYPED_TEST(LockContract, NoLostUpdateAndOneHolderOnThreads) {
  auto lock = make_private_lock<TypeParam>();
  Guarded g;
  const int threads = contending_threads<TypeParam>();
  run_threads(threads, [&] { critical_sections(*lock, g, kIterations, [&] { ++g.counter; }); });
  EXPECT_EQ(g.overlaps.load(std::memory_order_relaxed), 0u) << "two holders at once";
  EXPECT_EQ(g.counter, g.completed.load(std::memory_order_relaxed)) << "lost updates";
  EXPECT_GT(g.counter, 0u);
}

TYPED_TEST(LockContract, NoLostUpdateAndOneHolderOnProcesses) {
  if constexpr (!TypeParam::kProcessShared) {
    GTEST_SKIP() << TypeParam::kName << " is not process-shared";
  } else {
    SharedMapping mapping(sizeof(SharedState<TypeParam>));
    ASSERT_NE(mapping.get(), nullptr);
    SharedState<TypeParam>* state = make_shared_state<TypeParam>(mapping.get());
    auto work = [state] {
      Guarded& g = state->guarded;
      critical_sections(state->lock, g, kChildIterations, [&] { ++g.counter; });
      return 0;
    };
    Child first(kAlarmSeconds, work);
    Child second(kAlarmSeconds, work);
    ASSERT_TRUE(first.started());
    ASSERT_TRUE(second.started());
    EXPECT_TRUE(exited_cleanly(first.wait_status()));
    EXPECT_TRUE(exited_cleanly(second.wait_status()));
    EXPECT_EQ(state->guarded.overlaps.load(std::memory_order_relaxed), 0u) << "two holders at once";
    EXPECT_EQ(state->guarded.counter, state->guarded.completed.load(std::memory_order_relaxed))
        << "lost updates";
    EXPECT_GT(state->guarded.counter, 0u);
    state->~SharedState();
  }
}

// ---- Planted bugs: the checks above can fail ----

TEST(LockChecks, BothChecksCatchALockThatDoesNotExclude) {
  RaceBaseline no_exclusion;
  Guarded g;
  std::atomic<int> entered{0};
  // Each thread reads the counter, then stays inside until the other one has entered too (or
  // gives up after a few seconds), then writes back what it read plus one. Without exclusion both
  // get in and both read 0, whatever the scheduler does: one overlap and one lost update.
  run_threads(2, [&] {
    critical_sections(no_exclusion, g, 1, [&] {
      // atomic_ref: the race is the point here, but it must stay defined behaviour.
      std::atomic_ref<std::uint64_t> counter(g.counter);
      const std::uint64_t seen = counter.load(std::memory_order_relaxed);
      entered.fetch_add(1, std::memory_order_relaxed);
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (entered.load(std::memory_order_relaxed) < 2 && std::chrono::steady_clock::now() < give_up) {
        sched_yield();
      }
      counter.store(seen + 1, std::memory_order_relaxed);
    });
  });
  EXPECT_EQ(g.overlaps.load(std::memory_order_relaxed), 1u);
  EXPECT_EQ(g.completed.load(std::memory_order_relaxed), 2u);
  EXPECT_EQ(g.counter, 1u);
}

TEST(LockChecks, AChildLeftRunningIsKilledAndReaped) {
  pid_t pid = -1;
  {
    Child hung(kAlarmSeconds, [] {
      pause();
      return 0;
    });
    ASSERT_TRUE(hung.started());
    pid = hung.pid();
  }
  // Already reaped by the destructor: no zombie, no stray process.
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// ---- The robust mutex ----

TEST(PthreadRobustMutex, NextLockerRecoversFromAnOwnerThatDied) {
  struct State {
    PthreadRobustMutex lock;
    std::atomic<int> child_held{0};
  };
  SharedMapping mapping(sizeof(State));
  ASSERT_NE(mapping.get(), nullptr);
  State* state = new (mapping.get()) State();
  Child dies_holding(kAlarmSeconds, [state] {
    state->lock.lock();
    state->child_held.store(1, std::memory_order_relaxed);
    _exit(0);
    return 0;
  });
  ASSERT_TRUE(dies_holding.started());
  ASSERT_TRUE(exited_cleanly(dies_holding.wait_status()));
  ASSERT_EQ(state->child_held.load(std::memory_order_relaxed), 1) << "the child never took the lock";

  // A broken recovery would hang here; the alarm turns that into a failure, not a stuck test.
  alarm(kAlarmSeconds);
  state->lock.lock();
  state->lock.unlock();
  // Marked consistent, so it keeps working (otherwise it would be ENOTRECOVERABLE now).
  EXPECT_TRUE(state->lock.try_lock());
  state->lock.unlock();
  alarm(0);
  state->~State();
}

// ---- The hybrid lock's sleep and wake ----

TEST(HybridLock, WakesAThreadThatWentToSleep) {
  HybridLock lock(Sharing::thread_private);
  std::atomic<bool> acquired{false};
  lock.lock();
  std::thread waiter([&] {
    lock.lock();
    acquired.store(true, std::memory_order_relaxed);
    lock.unlock();
  });
  // Long enough for the waiter to finish spinning and park in FUTEX_WAIT.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(acquired.load(std::memory_order_relaxed));
  lock.unlock();
  waiter.join();
  EXPECT_TRUE(acquired.load(std::memory_order_relaxed));
}

TEST(HybridLock, WakesAProcessThatWentToSleep) {
  // A private futex wait in the child would never see the parent's wake: the child would hang
  // until its alarm. This is the check that process mode uses the shared futex form.
  SharedMapping mapping(sizeof(HybridLock));
  ASSERT_NE(mapping.get(), nullptr);
  auto* lock = new (mapping.get()) HybridLock(Sharing::process_shared);
  lock->lock();
  Child waiter(kAlarmSeconds, [lock] {
    lock->lock();
    lock->unlock();
    return 0;
  });
  ASSERT_TRUE(waiter.started());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  lock->unlock();
  EXPECT_TRUE(exited_cleanly(waiter.wait_status()));
  lock->~HybridLock();
}

// ---- The baselines ----

TEST(RaceBaseline, UnsynchronizedIncrementsNeverGainAndMayLose) {
  // Relaxed load then relaxed store, no read-modify-write: the increment races the way a data
  // race would, while staying defined behaviour. Losses depend on timing, so only "never more
  // than the total" is asserted here; the workload's end-to-end test checks that a run of
  // `race` reports its lost updates as expected.
  constexpr int kRaceThreads = 2;
  constexpr int kRaceIterations = 2'000'000;
  RaceBaseline race;
  std::atomic<std::uint64_t> count{0};
  run_threads(kRaceThreads, [&] {
    for (int i = 0; i < kRaceIterations; ++i) {
      race.lock();
      count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      race.unlock();
    }
  });
  EXPECT_GT(count.load(), 0u);
  EXPECT_LE(count.load(), std::uint64_t{kRaceThreads} * kRaceIterations);
  static_assert(!provides_exclusion<RaceBaseline>());
}

TEST(AtomicAddBaseline, LockAndUnlockAreNoOpsAndTheWorkloadIsToldToUseFetchAdd) {
  static_assert(uses_atomic_counter<AtomicAddBaseline>());
  static_assert(provides_exclusion<AtomicAddBaseline>());
  static_assert(!uses_atomic_counter<TicketLock>());
  AtomicAddBaseline baseline;
  baseline.lock();
  baseline.lock();  // no state: a second lock() returns at once
  baseline.unlock();
  baseline.unlock();
}

// ---- The catalog ----

TEST(LockCatalog, NamesAreUniqueKebabCaseWithOneLineDescriptions) {
  testing::expect_names_unique_kebab_case_with_one_line_descriptions(BuiltinLocks{});
}

}  // namespace
}  // namespace contend
