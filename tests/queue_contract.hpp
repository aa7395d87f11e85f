// The Queue contract as a reusable GoogleTest typed-test suite, and the exactly-once exchange
// check it runs. Every queue the suite measures — our own, the peer libraries' adapters, the
// pipe and socket queues — is instantiated against the same tests, written only against the
// Queue and BlockingQueue concepts and the traits in primitives/primitive.hpp (capacity kind,
// single producer/consumer, process sharing, footprint).
//
// To use it, include this header in one test file and instantiate the suite for your types in
// namespace contend::testing (the macro finds the suite by unqualified lookup):
//
//   namespace contend::testing {
//   using PeerQueues = ::testing::Types<MoodycamelQueue, AtomicQueue>;
//   INSTANTIATE_TYPED_TEST_SUITE_P(Peer, QueueContract, PeerQueues, PrimitiveTestName);
//   }
//
// A test binary that includes this header must instantiate the suite: GoogleTest reports an
// uninstantiated typed suite as a failure.
//
// Verdicts are deterministic and nothing is timed: a test passes or fails the same way on an
// idle or a loaded machine. Whatever can hang on a broken queue (threads or processes that wait
// for each other) runs in a forked child with an alarm, so a lost item or a lost wake-up fails
// the test instead of hanging it. Waiting on a full or empty queue yields the CPU (sched_yield):
// ctest runs two tests at once on two cores, and a spinning waiter would starve the very worker
// it waits for.
#pragma once

#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"
#include "tests/primitive_test_helpers.hpp"

namespace contend::testing {

// ---- Making queues ----

// A queue in aligned heap storage of its footprint, for tests on threads of one process.
template <class Q>
class HeapQueue {
 public:
  explicit HeapQueue(std::uint32_t capacity, Sharing sharing = Sharing::thread_private)
      : storage_(::operator new(queue_footprint<Q>(capacity), std::align_val_t{alignof(Q)})) {
    try {
      queue_ = construct_queue<Q>(storage_, capacity, sharing);
    } catch (...) {
      ::operator delete(storage_, std::align_val_t{alignof(Q)});
      throw;
    }
  }
  ~HeapQueue() {
    queue_->~Q();
    ::operator delete(storage_, std::align_val_t{alignof(Q)});
  }
  HeapQueue(const HeapQueue&) = delete;
  HeapQueue& operator=(const HeapQueue&) = delete;

  Q& operator*() { return *queue_; }
  Q* operator->() { return queue_; }

 private:
  void* storage_;
  Q* queue_ = nullptr;
};

// ---- Items ----

// An item names its producer and its sequence number within that producer: ((producer + 1) << 48)
// | seq. Never 0 (the Queue contract reserves 0), and a consumer can tell whose it is.
constexpr int kItemProducerShift = 48;
constexpr std::uint64_t kItemSeqMask = (std::uint64_t{1} << kItemProducerShift) - 1;

constexpr std::uint64_t item_of(int producer, std::uint64_t seq) {
  return ((static_cast<std::uint64_t>(producer) + 1) << kItemProducerShift) | seq;
}

// Enough items per producer to run the ring around hundreds of laps and to catch a rare lost or
// repeated item, few enough for two loaded cores.
constexpr std::uint32_t kItemsPerProducer = 20000;
// Small, so that workers meet full and empty often: that is where rings go wrong.
constexpr std::uint32_t kExchangeCapacity = 64;
// The capacity of the single-threaded contract tests, and the smallest the workloads pass.
constexpr std::uint32_t kContractCapacity = 8;
constexpr std::uint32_t kSmallestCapacity = 2;
// A safety net for forked children: a hung child (a lost item or wake-up) dies of SIGALRM and the
// test reports it instead of hanging.
constexpr unsigned kQueueChildAlarmSeconds = 30;

// ---- The exactly-once exchange ----

// How producers and consumers wait: `yield` retries try_push/try_pop with sched_yield between
// attempts; `block` calls push()/pop() (BlockingQueue only).
enum class ExchangeWait { yield, block };

constexpr int kMaxExchangeWorkers = 4;  // per side

struct ExchangePlan {
  int producers = 2;
  int consumers = 2;
  std::uint32_t items_per_producer = kItemsPerProducer;
  std::uint32_t capacity = kExchangeCapacity;
  ExchangeWait wait = ExchangeWait::yield;
};

// Two producers and two consumers, or one and one for a single-producer single-consumer queue.
template <class Q>
ExchangePlan default_exchange_plan(ExchangeWait wait = ExchangeWait::yield) {
  ExchangePlan plan;
  if constexpr (single_producer_single_consumer<Q>()) {
    plan.producers = 1;
    plan.consumers = 1;
  }
  plan.wait = wait;
  return plan;
}

// What one consumer saw. Each consumer writes only its own log, so the logs need no atomics.
struct ConsumerLog {
  static constexpr std::size_t kSeenWords = (kItemsPerProducer + 63) / 64;

  std::uint64_t received = 0;
  std::uint64_t out_of_order = 0;  // an item not after the last one from the same producer
  std::uint64_t foreign = 0;       // an item no producer pushed
  std::uint64_t first_out_of_order = 0;
  std::uint64_t first_foreign = 0;
  std::uint64_t next_seq[kMaxExchangeWorkers] = {};          // per producer
  std::uint64_t seen[kMaxExchangeWorkers][kSeenWords] = {};  // per producer, a bit per seq
};

// Everything the workers share, in one anonymous shared mapping, so that it works alike for
// threads of a forked child and for forked worker processes.
struct ExchangeState {
  explicit ExchangeState(const ExchangePlan& p) : plan(p) {}

  const ExchangePlan plan;
  std::atomic<int> arrived{0};
  std::atomic<int> producers_finished{0};
  std::atomic<std::uint64_t> pops_claimed{0};  // ExchangeWait::block: items consumers took on
  ConsumerLog logs[kMaxExchangeWorkers];
};

inline void record(ConsumerLog& log, const ExchangePlan& plan, std::uint64_t item) {
  ++log.received;
  const std::uint64_t producer_tag = item >> kItemProducerShift;
  const std::uint64_t seq = item & kItemSeqMask;
  if (producer_tag == 0 || producer_tag > static_cast<std::uint64_t>(plan.producers) ||
      seq >= plan.items_per_producer) {
    if (log.foreign++ == 0) log.first_foreign = item;
    return;
  }
  const std::uint64_t producer = producer_tag - 1;
  // Per-producer FIFO: from one producer, one consumer sees strictly increasing numbers.
  if (seq < log.next_seq[producer]) {
    if (log.out_of_order++ == 0) log.first_out_of_order = item;
  } else {
    log.next_seq[producer] = seq + 1;
  }
  // A repeat needs no count of its own: tally() finds it as received minus distinct.
  log.seen[producer][seq / 64] |= std::uint64_t{1} << (seq % 64);
}

template <class Q>
void produce(Q& queue, ExchangeState& state, int producer) {
  for (std::uint64_t seq = 0; seq < state.plan.items_per_producer; ++seq) {
    const std::uint64_t item = item_of(producer, seq);
    if constexpr (BlockingQueue<Q>) {
      if (state.plan.wait == ExchangeWait::block) {
        queue.push(item);
        continue;
      }
    }
    while (!queue.try_push(item)) sched_yield();
  }
  // Release: a consumer that sees every producer finished sees every push completed.
  state.producers_finished.fetch_add(1, std::memory_order_release);
}

template <class Q>
void consume(Q& queue, ExchangeState& state, int consumer) {
  ConsumerLog& log = state.logs[consumer];
  const std::uint64_t total =
      std::uint64_t{state.plan.items_per_producer} * static_cast<std::uint64_t>(state.plan.producers);
  if constexpr (BlockingQueue<Q>) {
    if (state.plan.wait == ExchangeWait::block) {
      // Each pop() is claimed first, so that exactly `total` pops are made between the
      // consumers and none waits for an item that will never come from a correct queue. (One
      // that loses an item leaves a consumer waiting: the alarm turns that into a failure.)
      while (state.pops_claimed.fetch_add(1, std::memory_order_relaxed) < total) {
        record(log, state.plan, queue.pop());
      }
      return;
    }
  }
  // Stop once every producer has finished and the queue is then found empty: that ends the
  // exchange whether the queue delivered each item once, lost some or repeated some (counting
  // received items up to the total would stop early on a queue that repeats, and never on one
  // that loses). The order matters: read "finished" first, then find the queue empty.
  for (;;) {
    const bool producers_done =
        state.producers_finished.load(std::memory_order_acquire) == state.plan.producers;
    std::uint64_t item = 0;
    if (queue.try_pop(item)) {
      record(log, state.plan, item);
    } else if (producers_done) {
      return;
    } else {
      sched_yield();
    }
  }
}

// The union of what the consumers saw, and how the workers ended.
struct ExchangeOutcome {
  std::string worker_failure;  // empty when every worker exited cleanly
  std::uint64_t pushed = 0;
  std::uint64_t received = 0;
  std::uint64_t distinct = 0;      // items received at least once
  std::uint64_t missing = 0;       // items pushed and never received
  std::uint64_t repeated = 0;      // deliveries beyond the first of an item
  std::uint64_t out_of_order = 0;  // deliveries not after the same producer's previous, per consumer
  std::uint64_t foreign = 0;       // deliveries of items never pushed
  std::uint64_t first_out_of_order = 0;
  std::uint64_t first_foreign = 0;
  std::uint64_t first_missing = 0;
};

inline ExchangeOutcome tally(const ExchangeState& state) {
  const ExchangePlan& plan = state.plan;
  ExchangeOutcome outcome;
  outcome.pushed = std::uint64_t{plan.items_per_producer} * static_cast<std::uint64_t>(plan.producers);
  for (int c = 0; c < plan.consumers; ++c) {
    const ConsumerLog& log = state.logs[c];
    outcome.received += log.received;
    if (outcome.out_of_order == 0) outcome.first_out_of_order = log.first_out_of_order;
    outcome.out_of_order += log.out_of_order;
    if (outcome.foreign == 0) outcome.first_foreign = log.first_foreign;
    outcome.foreign += log.foreign;
  }
  for (int p = 0; p < plan.producers; ++p) {
    for (std::uint64_t seq = 0; seq < plan.items_per_producer; ++seq) {
      bool seen = false;
      for (int c = 0; c < plan.consumers && !seen; ++c) {
        seen = (state.logs[c].seen[p][seq / 64] >> (seq % 64) & 1) != 0;
      }
      if (seen) {
        ++outcome.distinct;
      } else if (outcome.missing++ == 0) {
        outcome.first_missing = item_of(p, seq);
      }
    }
  }
  outcome.repeated = outcome.received - outcome.foreign - outcome.distinct;
  return outcome;
}

// The exchange's verdict: every worker exited cleanly, and every pushed item was received
// exactly once, each consumer seeing each producer's items in the order they were pushed.
inline ::testing::AssertionResult every_item_delivered_once_in_producer_order(const ExchangeOutcome& o) {
  if (!o.worker_failure.empty()) return ::testing::AssertionFailure() << o.worker_failure;
  // Written as the producer tag (producer + 1) and the sequence number, so that an item no
  // producer pushed reads as plainly as one that went missing.
  auto item_text = [](std::uint64_t item) {
    return "tag " + std::to_string(item >> kItemProducerShift) + " seq " + std::to_string(item & kItemSeqMask);
  };
  if (o.missing != 0 || o.repeated != 0 || o.foreign != 0 || o.out_of_order != 0) {
    auto failure = ::testing::AssertionFailure();
    failure << o.pushed << " items pushed, " << o.received << " received: " << o.missing << " missing, "
            << o.repeated << " repeated, " << o.out_of_order << " out of producer order, " << o.foreign
            << " never pushed.";
    if (o.missing != 0) failure << " First missing: " << item_text(o.first_missing) << ".";
    if (o.out_of_order != 0) failure << " First out of order: " << item_text(o.first_out_of_order) << ".";
    if (o.foreign != 0) failure << " First never pushed: " << item_text(o.first_foreign) << ".";
    return failure;
  }
  return ::testing::AssertionSuccess();
}

namespace detail {

inline ::testing::AssertionResult valid_plan(const ExchangePlan& plan) {
  if (plan.producers < 1 || plan.producers > kMaxExchangeWorkers || plan.consumers < 1 ||
      plan.consumers > kMaxExchangeWorkers || plan.items_per_producer > kItemsPerProducer) {
    return ::testing::AssertionFailure() << "the plan is outside the exchange's fixed bounds";
  }
  return ::testing::AssertionSuccess();
}

inline void note_failure(std::string& failures, const std::string& who, int status) {
  const ::testing::AssertionResult clean = exited_cleanly(status);
  if (clean) return;
  if (!failures.empty()) failures += "; ";
  failures += who + ": " + clean.message();
}

template <class Q>
void run_worker(Q& queue, ExchangeState& state, int worker) {
  if (worker < state.plan.producers) {
    produce(queue, state, worker);
  } else {
    consume(queue, state, worker - state.plan.producers);
  }
}

}  // namespace detail

// Runs the exchange on threads of one forked child, with the queue private to that child
// (Sharing::thread_private, in heap storage). In a child so that a hang fails through the alarm.
template <class Q>
ExchangeOutcome exchange_on_threads(const ExchangePlan& plan) {
  ExchangeOutcome outcome;
  if (const auto valid = detail::valid_plan(plan); !valid) {
    outcome.worker_failure = valid.message();
    return outcome;
  }
  SharedMapping mapping(sizeof(ExchangeState));
  if (mapping.get() == nullptr) {
    outcome.worker_failure = "no shared mapping";
    return outcome;
  }
  auto* state = new (mapping.get()) ExchangeState(plan);
  Child child(kQueueChildAlarmSeconds, [state] {
    HeapQueue<Q> queue(state->plan.capacity, Sharing::thread_private);
    run_threads(state->plan.producers + state->plan.consumers,
                [&](int worker) { detail::run_worker(*queue, *state, worker); });
    return 0;
  });
  if (!child.started()) {
    outcome.worker_failure = "fork failed";
  } else {
    std::string failures;
    detail::note_failure(failures, "the child running the threads", child.wait_status());
    outcome = tally(*state);
    outcome.worker_failure = failures;
  }
  state->~ExchangeState();
  return outcome;
}

// Runs the exchange with each producer and consumer in a forked process of its own, the queue
// made Sharing::process_shared in the shared mapping before the fork, as the engine makes it.
template <class Q>
ExchangeOutcome exchange_on_processes(const ExchangePlan& plan) {
  static_assert(Q::kProcessShared, "only a process-shared queue can be exchanged across processes");
  ExchangeOutcome outcome;
  if (const auto valid = detail::valid_plan(plan); !valid) {
    outcome.worker_failure = valid.message();
    return outcome;
  }
  // The queue after the state, on a line of its own (or its own alignment, if larger).
  const std::size_t alignment = std::max(alignof(Q), kCacheLineSize);
  const std::size_t queue_offset = (sizeof(ExchangeState) + alignment - 1) / alignment * alignment;
  SharedMapping mapping(queue_offset + queue_footprint<Q>(plan.capacity));
  if (mapping.get() == nullptr) {
    outcome.worker_failure = "no shared mapping";
    return outcome;
  }
  auto* state = new (mapping.get()) ExchangeState(plan);
  void* queue_storage = static_cast<char*>(mapping.get()) + queue_offset;
  Q* queue = construct_queue<Q>(queue_storage, plan.capacity, Sharing::process_shared);
  const int workers = plan.producers + plan.consumers;
  std::string failures;
  {
    std::vector<std::unique_ptr<Child>> children;
    for (int w = 0; w < workers; ++w) {
      children.push_back(std::make_unique<Child>(kQueueChildAlarmSeconds, [state, queue, workers, w] {
        start_together(state->arrived, workers);
        detail::run_worker(*queue, *state, w);
        return 0;
      }));
    }
    for (int w = 0; w < workers; ++w) {
      if (!children[static_cast<std::size_t>(w)]->started()) {
        if (!failures.empty()) failures += "; ";
        failures += "fork failed";
        continue;
      }
      const std::string who = w < plan.producers ? "producer " + std::to_string(w)
                                                 : "consumer " + std::to_string(w - plan.producers);
      detail::note_failure(failures, who, children[static_cast<std::size_t>(w)]->wait_status());
    }
  }
  outcome = tally(*state);
  outcome.worker_failure = failures;
  // Only a queue whose workers all finished is destroyed: glibc's pthread_cond_destroy waits for
  // every waiter to leave, and one killed by its alarm inside pop() never does. Undestroyed, it
  // goes away with the mapping.
  if (failures.empty()) queue->~Q();
  state->~ExchangeState();
  return outcome;
}

// ---- Single-threaded helpers ----

// Pops `count` items and checks they are item_of(0, first), item_of(0, first + 1), ...
template <class Q>
::testing::AssertionResult pops_in_sequence(Q& queue, std::uint64_t first, std::uint64_t count) {
  for (std::uint64_t seq = first; seq < first + count; ++seq) {
    std::uint64_t item = 0;
    if (!queue.try_pop(item)) return ::testing::AssertionFailure() << "empty where item " << seq << " was due";
    if (item != item_of(0, seq)) {
      return ::testing::AssertionFailure() << "item " << (item & kItemSeqMask) << " where item " << seq
                                           << " was due";
    }
  }
  return ::testing::AssertionSuccess();
}

template <class Q>
::testing::AssertionResult pushes_in_sequence(Q& queue, std::uint64_t first, std::uint64_t count) {
  for (std::uint64_t seq = first; seq < first + count; ++seq) {
    if (!queue.try_push(item_of(0, seq))) {
      return ::testing::AssertionFailure() << "full at item " << seq << " (pushing " << first << ".."
                                           << first + count - 1 << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

// In a child: a thread calls pop() on an empty queue; this thread checks that it has not
// returned, then pushes. Exit status: 0 right, 1 pop() returned before the push, 2 wrong item.
template <class Q>
int pop_waits_for_a_push() {
  HeapQueue<Q> queue(kContractCapacity);
  std::atomic<bool> started{false};
  std::atomic<bool> returned{false};
  std::uint64_t popped = 0;
  std::thread consumer([&] {
    started.store(true, std::memory_order_release);
    popped = queue->pop();
    returned.store(true, std::memory_order_release);
  });
  while (!started.load(std::memory_order_acquire)) sched_yield();
  // Time for the consumer to get into pop() and sleep there, so that the push below has a
  // sleeper to wake; the verdict does not depend on whether it has.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const bool returned_early = returned.load(std::memory_order_acquire);
  queue->push(item_of(0, 7));
  consumer.join();
  if (returned_early) return 1;
  return popped == item_of(0, 7) ? 0 : 2;
}

// In a child: fills an exact-capacity queue; a thread calls push() on it; this thread checks that
// it has not returned, then pops one. Exit status: 0 right, 1 push() returned while full, 2 the
// items came out wrong afterwards.
template <class Q>
int push_waits_for_room() {
  HeapQueue<Q> queue(kContractCapacity);
  if (!pushes_in_sequence(*queue, 0, kContractCapacity)) return 2;
  std::atomic<bool> started{false};
  std::atomic<bool> returned{false};
  std::thread producer([&] {
    started.store(true, std::memory_order_release);
    queue->push(item_of(0, kContractCapacity));
    returned.store(true, std::memory_order_release);
  });
  while (!started.load(std::memory_order_acquire)) sched_yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // as in pop_waits_for_a_push
  const bool returned_early = returned.load(std::memory_order_acquire);
  const std::uint64_t first = queue->pop();
  producer.join();
  if (returned_early) return 1;
  if (first != item_of(0, 0) || !pops_in_sequence(*queue, 1, kContractCapacity)) return 2;
  return 0;
}

// ---- The suite ----

template <class Q>
class QueueContract : public ::testing::Test {};

TYPED_TEST_SUITE_P(QueueContract);

TYPED_TEST_P(QueueContract, PopsItemsInPushOrder) {
  static_assert(Queue<TypeParam>);
  HeapQueue<TypeParam> queue(kContractCapacity);
  ASSERT_TRUE(pushes_in_sequence(*queue, 0, kContractCapacity));
  EXPECT_TRUE(pops_in_sequence(*queue, 0, kContractCapacity));
}

TYPED_TEST_P(QueueContract, TryPopOnEmptyFails) {
  HeapQueue<TypeParam> queue(kContractCapacity);
  std::uint64_t item = 0;
  EXPECT_FALSE(queue->try_pop(item)) << "new queue";
  ASSERT_TRUE(pushes_in_sequence(*queue, 0, 1));
  ASSERT_TRUE(pops_in_sequence(*queue, 0, 1));
  EXPECT_FALSE(queue->try_pop(item)) << "emptied queue";
}

TYPED_TEST_P(QueueContract, HoldsItsCapacity) {
  for (const std::uint32_t capacity : {kSmallestCapacity, kContractCapacity}) {
    SCOPED_TRACE(::testing::Message() << "capacity " << capacity);
    HeapQueue<TypeParam> queue(capacity);
    ASSERT_TRUE(pushes_in_sequence(*queue, 0, capacity));
    if constexpr (queue_capacity_kind<TypeParam>() == QueueCapacity::exact) {
      EXPECT_FALSE(queue->try_push(item_of(0, capacity))) << "a push beyond the exact capacity succeeded";
      // One pop makes room for exactly one push.
      ASSERT_TRUE(pops_in_sequence(*queue, 0, 1));
      ASSERT_TRUE(pushes_in_sequence(*queue, capacity, 1));
      EXPECT_FALSE(queue->try_push(item_of(0, capacity + 1))) << "a push beyond the exact capacity succeeded";
      EXPECT_TRUE(pops_in_sequence(*queue, 1, capacity));
    } else {
      EXPECT_TRUE(pops_in_sequence(*queue, 0, capacity));
    }
    std::uint64_t item = 0;
    EXPECT_FALSE(queue->try_pop(item));
  }
}

// Keeps 1, half the capacity and the full capacity in flight while the positions run many laps
// around the ring, so that every wrap-around happens at every offset.
TYPED_TEST_P(QueueContract, KeepsFifoOrderOverManyLaps) {
  constexpr std::uint64_t kLaps = 100;
  for (const std::uint32_t in_flight : {1u, kContractCapacity / 2 + 1, kContractCapacity}) {
    SCOPED_TRACE(::testing::Message() << in_flight << " in flight");
    HeapQueue<TypeParam> queue(kContractCapacity);
    ASSERT_TRUE(pushes_in_sequence(*queue, 0, in_flight));
    for (std::uint64_t seq = 0; seq < kLaps * kContractCapacity; ++seq) {
      ASSERT_TRUE(pops_in_sequence(*queue, seq, 1));
      ASSERT_TRUE(pushes_in_sequence(*queue, seq + in_flight, 1));
    }
    EXPECT_TRUE(pops_in_sequence(*queue, kLaps * kContractCapacity, in_flight));
  }
}

TYPED_TEST_P(QueueContract, BlockingPushAndPopRoundTrip) {
  if constexpr (!BlockingQueue<TypeParam>) {
    GTEST_SKIP() << TypeParam::kName << " has no blocking push()/pop()";
  } else {
    HeapQueue<TypeParam> queue(kContractCapacity);
    for (std::uint64_t seq = 0; seq < kContractCapacity; ++seq) queue->push(item_of(0, seq));
    for (std::uint64_t seq = 0; seq < kContractCapacity; ++seq) EXPECT_EQ(queue->pop(), item_of(0, seq));
    // The blocking and the try forms work on the same items.
    queue->push(item_of(0, 0));
    EXPECT_TRUE(pops_in_sequence(*queue, 0, 1));
    ASSERT_TRUE(pushes_in_sequence(*queue, 1, 1));
    EXPECT_EQ(queue->pop(), item_of(0, 1));
  }
}

TYPED_TEST_P(QueueContract, PopWaitsForAnotherThreadsPush) {
  if constexpr (!BlockingQueue<TypeParam>) {
    GTEST_SKIP() << TypeParam::kName << " has no blocking push()/pop()";
  } else {
    Child child(kQueueChildAlarmSeconds, [] { return pop_waits_for_a_push<TypeParam>(); });
    ASSERT_TRUE(child.started());
    EXPECT_TRUE(exited_cleanly(child.wait_status())) << "1: pop() returned before the push, 2: wrong item";
  }
}

TYPED_TEST_P(QueueContract, PushWaitsWhileFullForAnotherThreadsPop) {
  if constexpr (!BlockingQueue<TypeParam>) {
    GTEST_SKIP() << TypeParam::kName << " has no blocking push()/pop()";
  } else if constexpr (queue_capacity_kind<TypeParam>() != QueueCapacity::exact) {
    GTEST_SKIP() << TypeParam::kName << " has no exact capacity to fill";
  } else {
    Child child(kQueueChildAlarmSeconds, [] { return push_waits_for_room<TypeParam>(); });
    ASSERT_TRUE(child.started());
    EXPECT_TRUE(exited_cleanly(child.wait_status())) << "1: push() returned while full, 2: wrong items";
  }
}

TYPED_TEST_P(QueueContract, DeliversEveryItemOnceInProducerOrderOnThreads) {
  EXPECT_TRUE(every_item_delivered_once_in_producer_order(
      exchange_on_threads<TypeParam>(default_exchange_plan<TypeParam>(ExchangeWait::yield))));
}

TYPED_TEST_P(QueueContract, DeliversEveryItemOnceInProducerOrderAcrossProcesses) {
  if constexpr (!TypeParam::kProcessShared) {
    GTEST_SKIP() << TypeParam::kName << " is not process-shared";
  } else {
    EXPECT_TRUE(every_item_delivered_once_in_producer_order(
        exchange_on_processes<TypeParam>(default_exchange_plan<TypeParam>(ExchangeWait::yield))));
  }
}

TYPED_TEST_P(QueueContract, BlockingDeliversEveryItemOnceInProducerOrderOnThreads) {
  if constexpr (!BlockingQueue<TypeParam>) {
    GTEST_SKIP() << TypeParam::kName << " has no blocking push()/pop()";
  } else {
    EXPECT_TRUE(every_item_delivered_once_in_producer_order(
        exchange_on_threads<TypeParam>(default_exchange_plan<TypeParam>(ExchangeWait::block))));
  }
}

TYPED_TEST_P(QueueContract, BlockingDeliversEveryItemOnceInProducerOrderAcrossProcesses) {
  if constexpr (!BlockingQueue<TypeParam> || !TypeParam::kProcessShared) {
    GTEST_SKIP() << TypeParam::kName << " has no blocking push()/pop() or is not process-shared";
  } else {
    EXPECT_TRUE(every_item_delivered_once_in_producer_order(
        exchange_on_processes<TypeParam>(default_exchange_plan<TypeParam>(ExchangeWait::block))));
  }
}

REGISTER_TYPED_TEST_SUITE_P(QueueContract, PopsItemsInPushOrder, TryPopOnEmptyFails, HoldsItsCapacity,
                            KeepsFifoOrderOverManyLaps, BlockingPushAndPopRoundTrip, PopWaitsForAnotherThreadsPush,
                            PushWaitsWhileFullForAnotherThreadsPop, DeliversEveryItemOnceInProducerOrderOnThreads,
                            DeliversEveryItemOnceInProducerOrderAcrossProcesses,
                            BlockingDeliversEveryItemOnceInProducerOrderOnThreads,
                            BlockingDeliversEveryItemOnceInProducerOrderAcrossProcesses);

}  // namespace contend::testing
