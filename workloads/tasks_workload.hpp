#pragma once
// The tasks workload (`contend run tasks`, `contend stress tasks`): -w tasks share a lock, a
// semaphore or a bounded queue, asyncio's trio, on a task runtime (primitives/primitive.hpp,
// TaskRuntime): coroutines on one thread (coro), or an OS thread per task blocking in the
// standard primitives (threads) — the same jobs, so the two compare side by side
// (scripts/bench-tasks.sh adds python3's asyncio running them too).
//
// Jobs (--pattern):
//   queue      the first half of the tasks (rounded down) put numbered items into a queue of
//              --capacity, the others get them; an operation is one item got (producers' puts
//              are counted apart, as in the queue workload). A phase ends when every producer
//              is done (stop or quota) and has closed the queue, and the consumers have taken
//              what was left.
//   lock       acquire, then yield inside (co_await of the loop / sched_yield: the await that an
//              async lock exists for), --cs-ns of work, a plain shared counter +1, release.
//   semaphore  the same with --permits holders at once.
// --cancel P: each wait (an acquire, put or get) is doomed with probability P when it begins; the
// next other task to finish an operation cancels it if it is parked or granted and not yet
// resumed (a timeout firing, a client giving up). The victim counts a cancelled wait (an event)
// and tries again. Coroutine runtimes only (kCancels).
//
// Checks, on in `run` and `stress` (cheap: one thread needs no atomics, and the threads' jobs
// yield inside anyway):
//   holders within permits  never more tasks inside than the permits (1 for lock);
//   lost updates            lock: the shared counter equals the critical sections;
//   permits conserved       after each phase of a coroutine runtime, every permit is back;
//   lost wake-up            coroutines: the loop never runs out of ready tasks while tasks wait
//                           (a permit or item nobody will be woken for: gh-90155's symptom);
//   queue lost / duplicated / invented / order: per producer, what the consumers got (counted,
//                           summed, in order per consumer) equals what it put, once each;
//   FIFO wake order         FIFO coroutine runtimes: no acquisition is overtaken (entries by
//                           others between its first call and its entry) more than 2 x (tasks - 1)
//                           times per attempt. Exact on one thread, with no race slack: each
//                           other task enters at most once while it waits (woken ahead of it)
//                           and once more between its grant and its turn to run (it was ready
//                           first and found a permit free once nobody waited); a cancelled wait
//                           starts again at the back, so each attempt gets the bound.
// A thread runtime's hang is the progress watchdog's.
#include <fmt/format.h>
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "primitives/tasks/event_loop.hpp"
#include "workloads/stress_common.hpp"

namespace contend {

// What a consumer saw of one producer's items.
struct QueueSeen {
  std::uint64_t next = 0;   // the sequence after the last one seen
  std::uint64_t count = 0;  // items seen
  std::uint64_t sum = 0;    // their sequences, summed
};

struct TasksShared {
  EventCounts* events;      // per task
  CheckTallies* tallies;    // per task
  QueueSeen* seen;          // queue: (consumers + 1) x producers; the last row is the drain's
  std::uint64_t* produced;  // queue: per producer, the items it has put (its next sequence)
  int producers;            // queue: the first `producers` tasks put, the rest get
  int consumers;
};

// Items say who made them: the producer's index + 1 in bits 48..62, its sequence in bits 0..47.
inline std::uint64_t task_item(int producer, std::uint64_t sequence) {
  return (static_cast<std::uint64_t>(producer + 1) << 48) | sequence;
}

namespace detail {

inline std::uint32_t task_limit(const RunSpec& spec) { return spec.pattern == TaskPattern::lock ? 1 : spec.permits; }

// A consumer (row `row`: a consumer's index, or `consumers` for the drain) got `item`.
inline void task_item_seen(const TasksShared& s, int row, std::uint64_t item, CheckTallies& tallies, int task,
                           std::uint64_t op_index) {
  const auto producer = static_cast<std::int64_t>(item >> 48) - 1;
  const std::uint64_t sequence = item & ((std::uint64_t{1} << 48) - 1);
  tallies[CheckId::queue_invented].checked++;
  if (producer < 0 || producer >= s.producers) {
    note_violation(tallies[CheckId::queue_invented], task, op_index);
    return;
  }
  QueueSeen& seen = s.seen[static_cast<std::size_t>(row) * static_cast<std::size_t>(s.producers) +
                           static_cast<std::size_t>(producer)];
  if (row < s.consumers) {
    tallies[CheckId::queue_order].checked++;
    if (sequence < seen.next) note_violation(tallies[CheckId::queue_order], task, op_index);
    seen.next = sequence + 1;
  }
  ++seen.count;
  seen.sum += sequence;
}

}  // namespace detail

// Every task on one thread, as coroutines (run_on_one_thread's host).
template <TaskRuntime R>
class CoroTasksHost {
 public:
  using Semaphore = typename R::Semaphore;
  using Queue = typename R::Queue;

  CoroTasksHost(const TasksShared& shared, const RepetitionContext& ctx)
      : shared_(shared),
        settings_(ctx),
        slots_(ctx.slots),
        n_(ctx.spec.workers),
        pattern_(ctx.spec.pattern),
        limit_(detail::task_limit(ctx.spec)),
        cancel_millionths_(ctx.spec.cancel_millionths),
        perturb_(ctx.spec.perturb),
        fifo_bound_(2 * static_cast<std::uint64_t>(ctx.spec.workers - 1)),
        progress_mask_(ctx.spec.stress ? 0 : 1023),
        loop_(static_cast<std::size_t>(n_)),
        semaphore_(loop_, limit_),
        queue_(loop_, ctx.spec.capacity),
        state_(static_cast<std::size_t>(n_)) {
    doomed_.reserve(static_cast<std::size_t>(n_) + 1);
    for (int t = 0; t < n_; ++t) {
      TaskState& s = state_[static_cast<std::size_t>(t)];
      s.random = StressRandom(worker_seed(ctx.spec.seed ^ 0x510e527fade682d1ULL, t));
      s.sampler = Sampler(ctx.spec.sample_every, worker_seed(ctx.spec.seed, t));
    }
  }

  template <bool kSample>
  void run(const StopFlag& stop, const std::uint64_t* quotas, std::uint64_t* operations) {
    stop_ = &stop;
    aborting_ = false;
    queue_.reopen();
    producers_left_ = shared_.producers;
    std::vector<tasks::Task> tasks;
    tasks.reserve(static_cast<std::size_t>(n_));
    doomed_.clear();
    for (int t = 0; t < n_; ++t) {
      state_[static_cast<std::size_t>(t)].ops = 0;
      state_[static_cast<std::size_t>(t)].doomed = state_[static_cast<std::size_t>(t)].listed = false;
      const std::uint64_t quota = quotas != nullptr ? quotas[t] : UINT64_MAX;
      if (pattern_ != TaskPattern::queue) {
        tasks.push_back(holder<kSample>(t, quota));
      } else if (t < shared_.producers) {
        slots_[t].role = WorkerRole::producer;
        tasks.push_back(producer<kSample>(t, quota));
      } else {
        slots_[t].role = WorkerRole::consumer;
        tasks.push_back(consumer<kSample>(t));
      }
      loop_.spawn(tasks.back());
    }
    loop_.run();
    const int stranded = static_cast<int>(std::count_if(tasks.begin(), tasks.end(), [](const auto& t) { return !t.done(); }));
    if (stranded > 0) abort_stranded(stranded);
    for (int t = 0; t < n_; ++t) operations[t] = state_[static_cast<std::size_t>(t)].ops;
    if (stranded == 0 && pattern_ != TaskPattern::queue) {
      CheckTally& conserved = shared_.tallies[0][CheckId::permits_conserved];
      conserved.checked++;
      if (semaphore_.available() != limit_) {
        note_violation(conserved, 0, state_[0].ops);
        detail::set_note(conserved, fmt::format("{} of {} permits back after the phase", semaphore_.available(), limit_));
      }
    }
    // What the consumers left (none unless the phase was cut short) goes to the drain's row.
    std::uint64_t item = 0;
    while (queue_.try_take(item)) detail::task_item_seen(shared_, shared_.consumers, item, shared_.tallies[0], 0, 0);
  }

  std::uint64_t critical_sections() const { return entries_; }
  std::uint64_t counter() const { return counter_; }

 private:
  struct TaskState {
    tasks::WaitNode node;
    std::uint64_t ops = 0;
    StressRandom random{1};
    Sampler sampler{0, 1};
    bool doomed = false;  // --cancel: this wait is to be cancelled
    bool listed = false;  // in doomed_
    std::uint32_t doom_after = 0;  // other tasks' operations until the doomed wait is cancelled
  };

  bool going(const TaskState& me, std::uint64_t quota) const {
    return me.ops < quota && !stop_->is_raised() && !aborting_;
  }

  void published(int t, const TaskState& me) {
    if ((me.ops & progress_mask_) == 0) slots_[t].progress.store(me.ops, std::memory_order_relaxed);
  }

  // --perturb: a yield at one point in eight, so tasks interleave in more orders.
  bool perturb_now(TaskState& me) { return perturb_ && (me.random.next() & 7) == 0; }

  // --cancel: a share of the waits are doomed when they begin (a timeout that will fire, a
  // request its client gave up): after a random number (below 2 x tasks) of other tasks'
  // operations, while it is parked or granted and not yet resumed, the wait is cancelled by the
  // task that finished the last of them — early in the wait or after the grant, both of which a
  // primitive must survive. Every wait has the same chance, however long it lasts (a chance per
  // operation would doom every long wait, and starve whoever waits longest).
  void begin_attempt(int t, TaskState& me) {
    if (cancel_millionths_ == 0 || me.random.next() % 1'000'000 >= cancel_millionths_) return;
    me.doomed = true;
    // Cancelled after this many operations of others: early in the wait or late, after the grant.
    me.doom_after = static_cast<std::uint32_t>(me.random.next() % (2 * static_cast<std::uint64_t>(n_)));
    if (!me.listed) doomed_.push_back(t);
    me.listed = true;
  }
  static void end_attempt(TaskState& me) { me.doomed = false; }
  void cancel_doomed(int t) {
    for (std::size_t i = doomed_.size(); i-- > 0;) {
      const int victim = doomed_[i];
      TaskState& v = state_[static_cast<std::size_t>(victim)];
      if (v.doomed && (victim == t || !v.node.cancellable())) continue;  // not waiting (yet)
      if (v.doomed && v.doom_after-- > 0) continue;
      if (v.doomed) {
        if (pattern_ == TaskPattern::queue) {
          queue_.cancel(v.node, victim < shared_.producers);
        } else {
          semaphore_.cancel(v.node);
        }
        v.doomed = false;
      }
      v.listed = false;
      doomed_[i] = doomed_.back();
      doomed_.pop_back();
    }
  }

  template <bool kSample>
  tasks::Task holder(int t, std::uint64_t quota) {
    TaskState& me = state_[static_cast<std::size_t>(t)];
    CheckTallies& tallies = shared_.tallies[t];
    std::uint64_t first_arrival = 0;  // of this operation, whose cancelled attempts do not start it over
    std::uint64_t attempts = 0;
    while (going(me, quota)) {
      if (perturb_now(me)) co_await loop_.yield();
      const bool sample = kSample && me.sampler.should_sample();
      const std::uint64_t arrival = entries_;
      if (attempts++ == 0) first_arrival = arrival;
      const std::uint64_t t0 = sample ? settings_.clock.now() : 0;
      begin_attempt(t, me);
      const bool acquired = co_await semaphore_.acquire(me.node);
      end_attempt(me);
      if (!acquired) {
        ++shared_.events[t][EventId::cancellations];
        continue;
      }
      if (sample) {
        slots_[t].latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
        slots_[t].overtakes.record(entries_ - arrival);
      }
      if constexpr (is_fifo<R>()) {
        // Each attempt may be overtaken up to the bound; a wait that was cancelled restarts at the back.
        tallies[CheckId::fifo_wake].checked++;
        if (entries_ - first_arrival > fifo_bound_ * attempts) {
          if (tallies[CheckId::fifo_wake].violations == 0) {
            detail::set_note(tallies[CheckId::fifo_wake],
                             fmt::format("task {} overtaken {} times in {} attempt(s), above 2 x (tasks - 1) = {} "
                                         "per attempt",
                                         t, entries_ - first_arrival, attempts, fifo_bound_));
          }
          note_violation(tallies[CheckId::fifo_wake], t, me.ops);
        }
      }
      attempts = 0;
      ++entries_;
      tallies[CheckId::semaphore_holders].checked++;
      if (++holders_ > limit_) note_violation(tallies[CheckId::semaphore_holders], t, me.ops);
      const std::uint64_t before = counter_;
      co_await loop_.yield();  // the await inside that an async lock exists for
      if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
      counter_ = before + 1;
      --holders_;
      semaphore_.release();
      ++me.ops;
      published(t, me);
      cancel_doomed(t);
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
    }
  }

  template <bool kSample>
  tasks::Task producer(int t, std::uint64_t quota) {
    TaskState& me = state_[static_cast<std::size_t>(t)];
    std::uint64_t& sequence = shared_.produced[t];
    while (going(me, quota)) {
      if (perturb_now(me)) co_await loop_.yield();
      begin_attempt(t, me);
      const bool put = co_await queue_.put(me.node, task_item(t, sequence));
      end_attempt(me);
      if (!put) {
        ++shared_.events[t][EventId::cancellations];
        continue;
      }
      ++sequence;
      ++me.ops;
      published(t, me);
      cancel_doomed(t);
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
    }
    if (--producers_left_ == 0) queue_.close();
  }

  template <bool kSample>
  tasks::Task consumer(int t) {
    TaskState& me = state_[static_cast<std::size_t>(t)];
    CheckTallies& tallies = shared_.tallies[t];
    const int row = t - shared_.producers;
    for (;;) {
      if (perturb_now(me)) co_await loop_.yield();
      const bool sample = kSample && me.sampler.should_sample();
      const std::uint64_t t0 = sample ? settings_.clock.now() : 0;
      begin_attempt(t, me);
      const auto got = co_await queue_.get(me.node);
      end_attempt(me);
      if (got == Queue::Got::closed) break;
      if (got == Queue::Got::cancelled) {
        ++shared_.events[t][EventId::cancellations];
        if (aborting_) break;
        continue;
      }
      if (sample) slots_[t].latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
      detail::task_item_seen(shared_, row, me.node.item, tallies, t, me.ops);
      if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
      ++me.ops;
      published(t, me);
      cancel_doomed(t);
    }
  }

  // The loop ran out of ready tasks while `stranded` still waited: nobody is left to wake them.
  // The finding, then every wait cancelled so that each task sees aborting_ and ends.
  void abort_stranded(int stranded) {
    CheckTally& lost = shared_.tallies[0][CheckId::lost_wakeup];
    lost.checked++;
    note_violation(lost, 0, state_[0].ops);
    const std::string where =
        pattern_ == TaskPattern::queue
            ? fmt::format("{} items queued, {} putters and {} getters waiting", queue_.size(), queue_.putters_waiting(),
                          queue_.getters_waiting())
            : fmt::format("{} waiting on the {} with {} of {} permits free", semaphore_.waiting(),
                          pattern_ == TaskPattern::lock ? "lock" : "semaphore", semaphore_.available(), limit_);
    detail::set_note(lost, fmt::format("no task ready while {} of {} waited ({}): a permit or a wake-up was lost",
                                       stranded, n_, where));
    aborting_ = true;
    for (int t = 0; t < n_; ++t) {
      tasks::WaitNode& node = state_[static_cast<std::size_t>(t)].node;
      if (!node.cancellable()) continue;
      if (pattern_ == TaskPattern::queue) {
        queue_.cancel(node, t < shared_.producers);
      } else {
        semaphore_.cancel(node);
      }
    }
    loop_.run();
  }

  const TasksShared shared_;
  const LoopSettings settings_;
  WorkerSlot* slots_;
  const int n_;
  const TaskPattern pattern_;
  const std::uint32_t limit_;
  const std::uint32_t cancel_millionths_;
  const bool perturb_;
  const std::uint64_t fifo_bound_;
  const std::uint64_t progress_mask_;
  tasks::EventLoop loop_;
  Semaphore semaphore_;
  Queue queue_;
  std::vector<TaskState> state_;
  std::vector<int> doomed_;  // tasks whose wait is doomed, each at most once
  const StopFlag* stop_ = nullptr;
  bool aborting_ = false;
  int producers_left_ = 0;
  std::uint32_t holders_ = 0;
  std::uint64_t entries_ = 0;  // critical sections begun, over all phases
  std::uint64_t counter_ = 0;  // the lock pattern's plain shared counter
};

// Each task an OS thread, blocking in the runtime's primitives (run_workers' loop).
template <TaskRuntime R>
class ThreadTasksLoop {
 public:
  ThreadTasksLoop(const TasksShared& shared, const RepetitionContext& ctx)
      : shared_(shared),
        settings_(ctx),
        pattern_(ctx.spec.pattern),
        limit_(detail::task_limit(ctx.spec)),
        progress_mask_(ctx.spec.stress ? 0 : 1023),
        semaphore_(static_cast<std::ptrdiff_t>(limit_)),
        queue_(ctx.spec.capacity),
        phase_of_(static_cast<std::size_t>(ctx.spec.workers), 0) {
    for (auto& left : producers_left_) left.store(shared.producers, std::memory_order_relaxed);
  }

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    const std::uint32_t phase = ++phase_of_[static_cast<std::size_t>(worker)];
    Sampler sampler(settings_.sample_every, worker_seed(settings_.seed, worker) + phase);
    if (pattern_ != TaskPattern::queue) return hold<kSample>(worker, slot, stop, quota, sampler);
    if (worker < shared_.producers) {
      slot.role = WorkerRole::producer;
      return produce(worker, slot, stop, quota, phase);
    }
    slot.role = WorkerRole::consumer;
    return consume<kSample>(worker, slot, phase, sampler);
  }

  std::uint64_t critical_sections() const { return entries_.load(std::memory_order_relaxed); }
  std::uint64_t counter() const { return counter_.value.load(std::memory_order_relaxed); }

 private:
  void acquire() {
    if (pattern_ == TaskPattern::lock) {
      lock_.lock();
    } else {
      semaphore_.acquire();
    }
  }
  void release() {
    if (pattern_ == TaskPattern::lock) {
      lock_.unlock();
    } else {
      semaphore_.release();
    }
  }

  template <bool kSample>
  std::uint64_t hold(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota, Sampler& sampler) {
    CheckTallies& tallies = shared_.tallies[worker];
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool sample = kSample && sampler.should_sample();
      const std::uint64_t t0 = sample ? settings_.clock.now() : 0;
      acquire();
      if (sample) slot.latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
      entries_.fetch_add(1, std::memory_order_relaxed);
      tallies[CheckId::semaphore_holders].checked++;
      if (holders_.fetch_add(1, std::memory_order_acq_rel) + 1 > limit_) {
        note_violation(tallies[CheckId::semaphore_holders], worker, ops);
      }
      const std::uint64_t before = counter_.value.load(std::memory_order_relaxed);
      sched_yield();  // the same job as the coroutines' await inside
      if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
      counter_.value.store(before + 1, std::memory_order_relaxed);
      holders_.fetch_sub(1, std::memory_order_acq_rel);
      release();
      ++ops;
      if ((ops & progress_mask_) == 0) slot.progress.store(ops, std::memory_order_relaxed);
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
    }
    return ops;
  }

  std::uint64_t produce(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota, std::uint32_t phase) {
    std::uint64_t& sequence = shared_.produced[worker];
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      queue_.put(task_item(worker, sequence));
      ++sequence;
      ++ops;
      if ((ops & progress_mask_) == 0) slot.progress.store(ops, std::memory_order_relaxed);
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
    }
    if (producers_left_[phase].fetch_sub(1, std::memory_order_acq_rel) == 1) queue_.close(phase);
    return ops;
  }

  template <bool kSample>
  std::uint64_t consume(int worker, WorkerSlot& slot, std::uint32_t phase, Sampler& sampler) {
    CheckTallies& tallies = shared_.tallies[worker];
    const int row = worker - shared_.producers;
    std::uint64_t ops = 0;
    std::uint64_t item = 0;
    for (;;) {
      const bool sample = kSample && sampler.should_sample();
      const std::uint64_t t0 = sample ? settings_.clock.now() : 0;
      if (!queue_.get(phase, item)) break;
      if (sample) slot.latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
      detail::task_item_seen(shared_, row, item, tallies, worker, ops);
      if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
      ++ops;
      if ((ops & progress_mask_) == 0) slot.progress.store(ops, std::memory_order_relaxed);
    }
    return ops;
  }

  const TasksShared shared_;
  const LoopSettings settings_;
  const TaskPattern pattern_;
  const std::uint32_t limit_;
  const std::uint64_t progress_mask_;
  typename R::Lock lock_;
  typename R::Semaphore semaphore_;
  typename R::Queue queue_;
  std::vector<std::uint32_t> phase_of_;       // per worker: its phases so far (1: the first)
  std::atomic<int> producers_left_[3];        // per phase (1, 2): producers not yet done
  alignas(kCacheLineSize) std::atomic<std::uint32_t> holders_{0};
  alignas(kCacheLineSize) std::atomic<std::uint64_t> entries_{0};
  SharedLine counter_;
};

inline constexpr EventId kTasksEvents[] = {EventId::cancellations};

template <TaskRuntime R>
std::size_t tasks_workload_bytes(const RunSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.workers);
  const std::size_t producers = n / 2;
  return n * sizeof(EventCounts) + alignof(EventCounts) + (n + 1) * producers * sizeof(QueueSeen) +
         producers * sizeof(std::uint64_t) + 64 + detail::stress_extra_bytes(spec);
}

namespace detail {

// After the run: per producer, what all consumers and the drain got against what it put.
inline void task_queue_checks(RepetitionContext& ctx, const TasksShared& s) {
  CheckTally& lost = ctx.control.checks[CheckId::queue_lost];
  CheckTally& duplicated = ctx.control.checks[CheckId::queue_duplicated];
  lost.applies = duplicated.applies = 1;
  for (int p = 0; p < s.producers; ++p) {
    const std::uint64_t put = s.produced[p];
    std::uint64_t count = 0;
    std::uint64_t sum = 0;
    for (int row = 0; row <= s.consumers; ++row) {
      const QueueSeen& seen = s.seen[static_cast<std::size_t>(row) * static_cast<std::size_t>(s.producers) +
                                     static_cast<std::size_t>(p)];
      count += seen.count;
      sum += seen.sum;
    }
    lost.checked += put;
    duplicated.checked += put;
    const std::uint64_t expected_sum = put == 0 ? 0 : put * (put - 1) / 2;
    if (count < put || (count == put && sum != expected_sum)) {
      if (lost.violations == 0) lost.first_worker = p;
      lost.violations += count < put ? put - count : 1;
      set_note(lost, fmt::format("producer {} put {} items; the consumers got {}{}", p, put, count,
                                 count == put ? ", but not each once" : ""));
    } else if (count > put) {
      if (duplicated.violations == 0) duplicated.first_worker = p;
      duplicated.violations += count - put;
      set_note(duplicated, fmt::format("producer {} put {} items; the consumers got {}", p, put, count));
    }
  }
}

}  // namespace detail

template <TaskRuntime R>
void run_tasks_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  const int n = spec.workers;
  TasksShared shared{};
  shared.events = ctx.arena.make_array<EventCounts>(static_cast<std::size_t>(n));
  shared.tallies = detail::make_tallies(ctx);
  shared.producers = spec.pattern == TaskPattern::queue ? n / 2 : 0;
  shared.consumers = spec.pattern == TaskPattern::queue ? n - shared.producers : 0;
  shared.seen = ctx.arena.make_array<QueueSeen>(static_cast<std::size_t>(shared.consumers + 1) *
                                                static_cast<std::size_t>(shared.producers));
  shared.produced = ctx.arena.make_array<std::uint64_t>(static_cast<std::size_t>(shared.producers));
  if (spec.pattern == TaskPattern::queue) {
    detail::mark_applies(shared.tallies, n, {CheckId::queue_invented, CheckId::queue_order});
  } else {
    detail::mark_applies(shared.tallies, n, {CheckId::semaphore_holders});
    if (R::kOneThread) shared.tallies[0][CheckId::permits_conserved].applies = 1;
    if (is_fifo<R>()) detail::mark_applies(shared.tallies, n, {CheckId::fifo_wake});
  }
  if (R::kOneThread) shared.tallies[0][CheckId::lost_wakeup].applies = 1;

  std::uint64_t critical_sections = 0;
  std::uint64_t counter = 0;
  if constexpr (R::kOneThread) {
    CoroTasksHost<R> host(shared, ctx);
    run_on_one_thread(ctx, host);
    critical_sections = host.critical_sections();
    counter = host.counter();
  } else {
    ThreadTasksLoop<R> loop(shared, ctx);
    run_workers(ctx, loop);
    critical_sections = loop.critical_sections();
    counter = loop.counter();
  }

  // A runtime that cannot cancel counts no cancellations: none are reported (not a 0).
  for (EventId e : kTasksEvents) {
    if (!R::kCancels) break;
    for (int w = 0; w < n; ++w) ctx.control.events[e] += shared.events[w][e];
    ctx.control.events_counted |= 1U << static_cast<std::uint32_t>(e);
  }
  detail::merge_tallies(ctx, shared.tallies);
  if (spec.pattern == TaskPattern::queue) {
    if (ctx.control.crash_signal == 0) detail::task_queue_checks(ctx, shared);
  } else if (spec.pattern == TaskPattern::lock) {
    CheckTally& lost = ctx.control.checks[CheckId::lost_updates];
    lost.applies = 1;
    lost.checked = critical_sections;
    lost.violations = critical_sections > counter ? critical_sections - counter : 0;
  }
  if (!spec.stress) detail::report_failed_checks(ctx);
}

}  // namespace contend
