// Unit tests of the semaphore primitives: the single-thread contract, "never more holders than
// permits" and "permits are conserved" under contention on threads and on forked processes,
// wake-ups across processes, and no leftovers in /dev/shm. Every invariant here has a planted
// bug below that shows it can fail.
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
#include <cstdio>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "tests/dev_shm.hpp"

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
using testing::start_together;

// Enough hand-offs to catch a broken semaphore, few enough for 2 oversubscribed cores.
constexpr int kThreads = 4;
constexpr int kIterations = 20000;
constexpr int kChildren = 2;
constexpr int kChildIterations = 10000;
// A safety net for forked children: a hung child dies of SIGALRM and the test reports it.
constexpr unsigned kChildAlarmSeconds = 20;

// std-binary cannot hold more than one permit; every other semaphore gets what the test asks.
template <class S>
std::uint32_t permits_for(std::uint32_t wanted) {
  return max_permits<S>() == 0 ? wanted : std::min(wanted, max_permits<S>());
}

template <class S>
void emplace_semaphore(std::optional<S>& slot, std::uint32_t permits, Sharing sharing) {
  if constexpr (std::constructible_from<S, std::uint32_t, Sharing>) {
    slot.emplace(permits, sharing);
  } else {
    slot.emplace(permits);
  }
}

// The occupancy the semaphore bounds. Relaxed is enough: a fetch_add always reads the latest
// value of its own variable, and ordering a holder's exit before the next holder's entry is the
// semaphore's job (its release() happens-before the acquire() that takes the permit).
struct Occupancy {
  std::atomic<int> holders{0};
  std::atomic<std::uint64_t> violations{0};
};

// Runs `iterations` acquire/release pairs; `inside` is what a holder does after the check.
template <class S, class Inside = void (*)()>
void acquire_release(S& sem, Occupancy& occ, std::uint32_t permits, int iterations,
                     Inside inside = [] {}) {
  for (int i = 0; i < iterations; ++i) {
    sem.acquire();
    if (occ.holders.fetch_add(1, std::memory_order_relaxed) + 1 > static_cast<int>(permits)) {
      occ.violations.fetch_add(1, std::memory_order_relaxed);
    }
    inside();
    occ.holders.fetch_sub(1, std::memory_order_relaxed);
    sem.release();
  }
}

// How many permits the idle semaphore holds: try_acquire until it fails, at most `limit` times,
// then gives them back.
template <class S>
std::uint32_t count_permits(S& sem, std::uint32_t limit) {
  std::uint32_t taken = 0;
  while (taken < limit && sem.try_acquire()) ++taken;
  for (std::uint32_t i = 0; i < taken; ++i) sem.release();
  return taken;
}

// The semaphore and the occupancy it bounds, in one mapping that forked children share.
template <class S>
struct SharedState {
  Occupancy occupancy;
  std::atomic<int> arrived{0};
  std::uint32_t permits_counted = 0;
  std::optional<S> sem;
};

// ---- Every semaphore, on threads ----

// Each test also checks that it left no named semaphore behind in /dev/shm.
template <class S>
class SemaphoreContract : public ::testing::Test {
 protected:
  void SetUp() override { shm_before_ = testing::contend_shm_objects(); }
  void TearDown() override {
    EXPECT_EQ(testing::contend_shm_leftovers(shm_before_), std::set<std::string>{}) << "/dev/shm changed";
  }

 private:
  std::set<std::string> shm_before_;
};

using AllSemaphores = ::testing::Types<StdCountingSemaphore, StdBinarySemaphore, PosixSemaphore,
                                       PosixNamedSemaphore, FutexSemaphore, MonitorSemaphore>;
TYPED_TEST_SUITE(SemaphoreContract, AllSemaphores, PrimitiveTestName);

TYPED_TEST(SemaphoreContract, TryAcquireTakesExactlyThePermits) {
  const std::uint32_t permits = permits_for<TypeParam>(3);
  std::optional<TypeParam> sem;
  emplace_semaphore(sem, permits, Sharing::thread_private);
  for (std::uint32_t i = 0; i < permits; ++i) EXPECT_TRUE(sem->try_acquire()) << "permit " << i;
  EXPECT_FALSE(sem->try_acquire()) << "took a permit it did not have";

  sem->release();
  EXPECT_TRUE(sem->try_acquire()) << "a released permit was not available";
  EXPECT_FALSE(sem->try_acquire());

  for (std::uint32_t i = 0; i < permits; ++i) sem->release();
  sem->acquire();
  sem->release();
  EXPECT_EQ(count_permits(*sem, permits + 1), permits);
}

TYPED_TEST(SemaphoreContract, HoldersNeverExceedPermitsOnThreads) {
  // The threads run in a forked child so that a lost wake-up (a thread asleep forever with a
  // permit free) fails this test through the alarm instead of hanging it.
  const std::uint32_t permits = permits_for<TypeParam>(2);
  SharedMapping mapping(sizeof(SharedState<TypeParam>));
  ASSERT_NE(mapping.get(), nullptr);
  auto* state = new (mapping.get()) SharedState<TypeParam>();
  Child child(kChildAlarmSeconds, [state, permits] {
    std::optional<TypeParam> sem;  // private to the child: thread mode
    emplace_semaphore(sem, permits, Sharing::thread_private);
    run_threads(kThreads, [&] { acquire_release(*sem, state->occupancy, permits, kIterations); });
    state->permits_counted = count_permits(*sem, permits + 1);
    return 0;
  });
  ASSERT_TRUE(child.started());
  const int status = child.wait_status();
  if constexpr (requires { TypeParam::kKnownBug; }) {
    // The library's own bug, not the adapter's: said, not failed (the primitive's header explains).
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
      state->~SharedState();
      GTEST_SKIP() << "hung: " << TypeParam::kKnownBug;
    }
  }
  ASSERT_TRUE(exited_cleanly(status));
  EXPECT_EQ(state->occupancy.violations.load(std::memory_order_relaxed), 0u)
      << "more holders than permits";
  EXPECT_EQ(state->permits_counted, permits) << "permits not conserved";
  state->~SharedState();
}

TYPED_TEST(SemaphoreContract, AcquireWaitsForARelease) {
  // The stress test catches a semaphore that lets too many in only when holders happen to
  // overlap, which a loaded machine makes rare; this forces the situation.
  std::optional<TypeParam> sem;
  emplace_semaphore(sem, 1, Sharing::thread_private);
  sem->acquire();
  std::atomic<bool> waiter_in{false};
  std::thread waiter([&] {
    sem->acquire();
    waiter_in.store(true, std::memory_order_relaxed);
    sem->release();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(waiter_in.load(std::memory_order_relaxed)) << "acquire() took a permit nobody had";
  sem->release();
  waiter.join();
  EXPECT_TRUE(waiter_in.load(std::memory_order_relaxed));
}

TEST(StdBinarySemaphore, RefusesAnyPermitCountButOne) {
  static_assert(max_permits<StdBinarySemaphore>() == 1);
  EXPECT_THROW(StdBinarySemaphore(0), std::invalid_argument);
  EXPECT_THROW(StdBinarySemaphore(2), std::invalid_argument);
  EXPECT_NO_THROW(StdBinarySemaphore(1));
}

// ---- The process-shared semaphores, on forked processes ----

template <class S>
class SemaphoreAcrossProcesses : public SemaphoreContract<S> {};

using ProcessSharedSemaphores =
    ::testing::Types<PosixSemaphore, PosixNamedSemaphore, FutexSemaphore, MonitorSemaphore>;
TYPED_TEST_SUITE(SemaphoreAcrossProcesses, ProcessSharedSemaphores, PrimitiveTestName);

TYPED_TEST(SemaphoreAcrossProcesses, HoldersNeverExceedPermits) {
  static_assert(TypeParam::kProcessShared);
  constexpr std::uint32_t kPermits = 1;  // two children, one permit: they must take turns
  SharedMapping mapping(sizeof(SharedState<TypeParam>));
  ASSERT_NE(mapping.get(), nullptr);
  auto* state = new (mapping.get()) SharedState<TypeParam>();
  emplace_semaphore(state->sem, kPermits, Sharing::process_shared);
  auto work = [state] {
    start_together(state->arrived, kChildren);
    acquire_release(*state->sem, state->occupancy, kPermits, kChildIterations);
    return 0;
  };
  std::vector<std::unique_ptr<Child>> children;
  for (int c = 0; c < kChildren; ++c) children.push_back(std::make_unique<Child>(kChildAlarmSeconds, work));
  for (auto& child : children) {
    ASSERT_TRUE(child->started());
    EXPECT_TRUE(exited_cleanly(child->wait_status()));
  }
  EXPECT_EQ(state->occupancy.violations.load(std::memory_order_relaxed), 0u)
      << "more holders than permits";
  EXPECT_EQ(count_permits(*state->sem, kPermits + 1), kPermits) << "permits not conserved";
  state->~SharedState();
}

TYPED_TEST(SemaphoreAcrossProcesses, ReleaseWakesAProcessThatWentToSleep) {
  // A private futex wait in the child would never see the parent's wake: the child would hang
  // until its alarm. This is the check that process mode uses the shared form.
  SharedMapping mapping(sizeof(SharedState<TypeParam>));
  ASSERT_NE(mapping.get(), nullptr);
  auto* state = new (mapping.get()) SharedState<TypeParam>();
  emplace_semaphore(state->sem, 0, Sharing::process_shared);
  Child waiter(kChildAlarmSeconds, [state] {
    state->sem->acquire();
    return 0;
  });
  ASSERT_TRUE(waiter.started());
  // Long enough for the child to find no permit and go to sleep.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  state->sem->release();
  EXPECT_TRUE(exited_cleanly(waiter.wait_status()));
  EXPECT_EQ(count_permits(*state->sem, 1), 0u) << "the child did not take the permit";
  state->~SharedState();
}

TEST(PosixNamedSemaphore, NameIsGoneFromDevShmWhileItIsInUse) {
  const std::string ours = "sem.contend-" + std::to_string(getpid()) + "-";
  auto ours_present = [&] {
    const auto files = testing::contend_shm_objects();
    return std::any_of(files.begin(), files.end(),
                       [&](const std::string& f) { return f.rfind(ours, 0) == 0; });
  };
  const auto before = testing::contend_shm_objects();
  {
    PosixNamedSemaphore sem(1);
    EXPECT_FALSE(ours_present()) << "the name was not unlinked at once";
    sem.acquire();
    sem.release();
  }
  EXPECT_FALSE(ours_present());
  EXPECT_EQ(testing::contend_shm_leftovers(before), std::set<std::string>{});
}

// ---- Planted bugs: the checks above can fail ----

// Hands out permits it does not have: acquire never waits, try_acquire always succeeds.
struct BrokenSemaphore {
  static constexpr std::string_view kName = "broken-sem";
  static constexpr std::string_view kDescription = "planted bug: acquire never waits";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit BrokenSemaphore(std::uint32_t) {}
  void acquire() {}
  void release() {}
  bool try_acquire() { return true; }
};

// The planted-bug runs sleep while holding, so that another worker gets in while this one is
// inside even when a loaded machine runs them one at a time: without the sleep a whole run can
// fit in one time slice, and yielding is not enough when each worker shares its core with
// unrelated processes. A worker that is inside nearly all the time cannot miss the other.
constexpr int kPlantedIterations = 200;
void dwell() { std::this_thread::sleep_for(std::chrono::microseconds(100)); }

TEST(SemaphoreChecks, OccupancyCheckCatchesASemaphoreThatDoesNotWait) {
  BrokenSemaphore broken(1);
  Occupancy occ;
  run_threads(kThreads, [&] { acquire_release(broken, occ, 1, kPlantedIterations, dwell); });
  EXPECT_GT(occ.violations.load(std::memory_order_relaxed), 0u);
}

TEST(SemaphoreChecks, OccupancyCheckCatchesItAcrossProcesses) {
  SharedMapping mapping(sizeof(SharedState<BrokenSemaphore>));
  ASSERT_NE(mapping.get(), nullptr);
  auto* state = new (mapping.get()) SharedState<BrokenSemaphore>();
  emplace_semaphore(state->sem, 1, Sharing::process_shared);
  auto work = [state] {
    start_together(state->arrived, 2);
    acquire_release(*state->sem, state->occupancy, 1, kPlantedIterations, dwell);
    return 0;
  };
  Child first(kChildAlarmSeconds, work);
  Child second(kChildAlarmSeconds, work);
  ASSERT_TRUE(first.started());
  ASSERT_TRUE(second.started());
  EXPECT_TRUE(exited_cleanly(first.wait_status()));
  EXPECT_TRUE(exited_cleanly(second.wait_status()));
  EXPECT_GT(state->occupancy.violations.load(std::memory_order_relaxed), 0u);
  state->~SharedState();
}

TEST(SemaphoreChecks, ConservationCheckCatchesAnExtraPermit) {
  BrokenSemaphore broken(1);
  EXPECT_EQ(count_permits(broken, 2), 2u);  // the tests above would report 2 != 1
}

// ---- The catalog ----

TEST(SemaphoreCatalog, NamesAreUniqueKebabCaseWithOneLineDescriptions) {
  testing::expect_names_unique_kebab_case_with_one_line_descriptions(BuiltinSemaphores{});
}

}  // namespace
}  // namespace contend
