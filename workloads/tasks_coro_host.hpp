#pragma once
// The tasks workload on a coroutine runtime (workloads/tasks_workload.hpp): every task a
// coroutine on one thread, hosted by run_on_one_thread (workloads/engine.hpp); the jobs, the
// --cancel schedule and the checks that need the loop (lost wake-up, FIFO wake order).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "primitives/tasks/event_loop.hpp"
#include "workloads/tasks_shared.hpp"

namespace contend {

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

}  // namespace contend
