#pragma once
// The deadlock workload (`contend run deadlock`, `contend stress deadlock`): each operation takes
// --take of --locks locks (any lock of the lock family that has try_lock) and holds them all
// together — a transaction updating several rows, a transfer between two accounts — in ascending
// order (--order sorted: no deadlock is possible) or a random one. When a lock it needs is held,
// a worker waits for it (--on-conflict wait), or gives back everything it holds and starts over
// after a short random back-off, at once (try, as NOWAIT) or after retrying it for a while
// (timeout:D, as lock_timeout).
//
// What is watched, in the repetition's arena:
//  - the lock-order graph (lockdep's idea): for every pair (a, b) taken with a held, the first
//    worker that did so. The first time a pair is seen in both orders is an inversion — a
//    deadlock waiting to happen, reported with the locks and the workers even if none occurred
//    (stress: the `lock order` check; run: the inversions event);
//  - the wait-for board: the lock each worker waits for and each lock's holder. The supervisor's
//    deadlock watch (workloads/deadlock_watch.hpp) follows it: a cycle of workers each waiting
//    for a lock the next one holds, unchanged for long enough, ends the configuration as
//    `deadlock`, naming the cycle;
//  - each lock's holder word, exchanged on entry: finding another holder there is a broken lock
//    (mutual exclusion (strong)).
// Events: restarts (and of them, timeouts), the time spent in attempts that ended in a restart
// (the livelock share is that over the run's time), and inversions.
#include <algorithm>
#include <utility>
#include <vector>

#include "workloads/stress_common.hpp"

namespace contend {

inline constexpr std::int32_t kNobody = -1;

// The board the workers publish and the supervisor reads (RunControl points at it).
struct DeadlockBoard {
  std::atomic<std::uint64_t>* waiting_for;  // per worker: a BoardWait (the lock it is trying to take, or kNobody)
  std::atomic<std::int32_t>* holder;       // per lock: the worker that holds it, or kNobody
  std::atomic<std::int32_t>* first_order;  // locks x locks: worker + 1 that first took [a] then [b]; 0: never
};

template <TryLock L>
class DeadlockLoop {
 public:
  DeadlockLoop(std::vector<L*> locks, const DeadlockBoard& board, EventCounts* events, CheckTallies* tallies,
               const RepetitionContext& ctx)
      : locks_(std::move(locks)),
        board_(board),
        events_(events),
        tallies_(tallies),
        lock_count_(ctx.spec.locks),
        take_(ctx.spec.take),
        random_order_(ctx.spec.random_order),
        conflict_(ctx.spec.on_conflict),
        checking_(ctx.spec.stress),
        settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    EventCounts warmup_events;  // warmup's are dropped, as its operations are
    EventCounts& events = &stop == &settings_.control->stop ? events_[worker] : warmup_events;
    std::uint32_t order[64];
    std::uint64_t ops = 0;
    std::uint32_t waits = 0;  // this worker's waits so far, numbered on the board
    while (ops < quota && !stop.is_raised()) {
      choose(w, order);
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_wait(sample);
      std::uint32_t held = 0;
      while (true) {
        const std::int64_t attempt_start = monotonic_ns();
        held = take_all(worker, w, order, events, ops, waits);
        if (held == take_) break;
        // A conflict: give back what is held, count it, back off a little, start over.
        release(order, held);
        ++events[EventId::restarts];
        events[EventId::time_lost_ns] += static_cast<std::uint64_t>(monotonic_ns() - attempt_start);
        if (stop.is_raised()) break;
        back_off(w);
      }
      if (held != take_) break;  // stopped while starting over
      w.end_wait(t0, sample);
      w.inside_work();
      release(order, held);
      ++ops;
      w.released(ops);
    }
    return ops;
  }

 private:
  // The operation's locks: take_ distinct ones, ascending or shuffled.
  void choose(StressWorker& w, std::uint32_t* order) const {
    std::uint64_t chosen = 0;
    for (std::uint32_t i = 0; i < take_;) {
      const auto lock = static_cast<std::uint32_t>(w.random() % lock_count_);
      if (chosen >> lock & 1) continue;
      chosen |= std::uint64_t{1} << lock;
      order[i++] = lock;
    }
    std::sort(order, order + take_);
    if (!random_order_) return;
    for (std::uint32_t i = take_ - 1; i > 0; --i) std::swap(order[i], order[w.random() % (i + 1)]);
  }

  // Takes the locks in order; returns how many it holds (take_ on success, fewer after a
  // conflict that --on-conflict try or timeout gave up on).
  std::uint32_t take_all(int worker, StressWorker& w, const std::uint32_t* order, EventCounts& events,
                         std::uint64_t ops, std::uint32_t& waits) {
    for (std::uint32_t i = 0; i < take_; ++i) {
      const std::uint32_t lock = order[i];
      note_order(worker, w, order, i, ops);
      std::atomic<std::uint64_t>& entry = board_.waiting_for[worker];
      entry.store(BoardWait{static_cast<std::int32_t>(lock), ++waits}.pack(), std::memory_order_release);
      const bool taken = acquire(*locks_[lock], events);
      entry.store(BoardWait{kNobody, waits}.pack(), std::memory_order_release);
      if (!taken) return i;
      if (checking_) w.checked(CheckId::exclusion_strong);
      if (board_.holder[lock].exchange(worker, std::memory_order_acq_rel) != kNobody && checking_) {
        w.violation(CheckId::exclusion_strong, ops);
      }
    }
    return take_;
  }

  bool acquire(L& lock, EventCounts& events) {
    switch (conflict_.kind) {
      case ConflictKind::wait: lock.lock(); return true;
      case ConflictKind::try_once: return lock.try_lock();
      case ConflictKind::timeout: {
        if (lock.try_lock()) return true;
        const std::int64_t give_up = monotonic_ns() + conflict_.timeout_ns;
        for (std::uint32_t tries = 1;; ++tries) {
          if ((tries & 63) == 0) {
            sched_yield();
            if (monotonic_ns() >= give_up) break;
          } else {
            cpu_relax();
          }
          if (lock.try_lock()) return true;
        }
        ++events[EventId::timeouts];
        return false;
      }
    }
    return false;
  }

  void release(const std::uint32_t* order, std::uint32_t held) {
    for (std::uint32_t i = held; i-- > 0;) {
      board_.holder[order[i]].store(kNobody, std::memory_order_release);
      locks_[order[i]]->unlock();
    }
  }

  // lockdep: taking order[i] while holding order[0..i) adds the pairs (held, order[i]); a pair
  // already seen the other way round is an inversion, counted and (stress) reported once.
  void note_order(int worker, StressWorker& w, const std::uint32_t* order, std::uint32_t i, std::uint64_t ops) {
    const std::uint32_t next = order[i];
    for (std::uint32_t h = 0; h < i; ++h) {
      const std::uint32_t held = order[h];
      std::atomic<std::int32_t>& forward = board_.first_order[held * lock_count_ + next];
      if (forward.load(std::memory_order_relaxed) != 0) continue;  // seen before: nothing new
      std::int32_t none = 0;
      if (!forward.compare_exchange_strong(none, worker + 1, std::memory_order_acq_rel)) continue;
      const std::int32_t backward = board_.first_order[next * lock_count_ + held].load(std::memory_order_acquire);
      if (checking_) w.checked(CheckId::lock_order);
      if (backward == 0) continue;
      // The graph spans the whole run (a pair seen in warmup is not seen again), so its
      // inversions count wherever they were found.
      ++events_[worker][EventId::inversions];
      if (!checking_) continue;
      CheckTally& tally = tallies_[worker][CheckId::lock_order];
      if (tally.violations == 0) {
        detail::set_note(tally, fmt::format("locks {} and {}: worker {} took {} then {}, worker {} took {} then {}",
                                            std::min(held, next), std::max(held, next), backward - 1, next, held,
                                            worker, held, next));
      }
      w.violation(CheckId::lock_order, ops);
    }
  }

  void back_off(StressWorker& w) {
    const std::uint64_t r = w.random();
    if ((r & 3) == 0) {
      sched_yield();
    } else {
      for (std::uint64_t i = (r >> 8) % 256; i > 0; --i) cpu_relax();
    }
  }

  const std::vector<L*> locks_;  // in the arena; the pointers are the child's, copied into each worker
  const DeadlockBoard board_;
  EventCounts* const events_;
  CheckTallies* const tallies_;
  const std::uint32_t lock_count_;
  const std::uint32_t take_;
  const bool random_order_;
  const OnConflict conflict_;
  const bool checking_;
  const StressSettings settings_;
};

inline constexpr EventId kDeadlockEvents[] = {EventId::restarts, EventId::timeouts, EventId::time_lost_ns,
                                              EventId::inversions};

template <TryLock L>
std::size_t deadlock_workload_bytes(const RunSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.workers);
  const std::size_t m = spec.locks;
  return m * (primitive_footprint<L>() + alignof(L)) + n * sizeof(std::uint64_t) + (m + m * m) * sizeof(std::int32_t) +
         3 * 64 +
         n * sizeof(EventCounts) + alignof(EventCounts) + detail::stress_extra_bytes(spec);
}

template <TryLock L>
void run_deadlock_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  if (spec.take > spec.locks) {
    throw std::invalid_argument(fmt::format("--take {} is more than the {} --locks", spec.take, spec.locks));
  }
  // The locks side by side, each in its own footprint (a plugin's adapter keeps its instance after itself).
  constexpr std::size_t stride = (primitive_footprint<L>() + alignof(L) - 1) / alignof(L) * alignof(L);
  auto* storage = static_cast<unsigned char*>(ctx.arena.allocate(stride * spec.locks, alignof(L)));
  std::vector<L*> constructed;
  for (std::uint32_t i = 0; i < spec.locks; ++i) {
    void* at = storage + stride * i;
    if constexpr (std::constructible_from<L, const BackendSettings&, Sharing>) {
      constructed.push_back(new (at) L(backend_settings(spec), sharing_for(spec.mode)));
    } else if constexpr (std::constructible_from<L, Sharing>) {
      constructed.push_back(new (at) L(sharing_for(spec.mode)));
    } else {
      constructed.push_back(new (at) L());
    }
  }
  if (!supports_try_lock(*constructed.front())) throw std::invalid_argument(fmt::format("{} has no try_lock", spec.primitive));
  DeadlockBoard board{};
  board.waiting_for = ctx.arena.make_array<std::atomic<std::uint64_t>>(static_cast<std::size_t>(spec.workers));
  board.holder = ctx.arena.make_array<std::atomic<std::int32_t>>(spec.locks);
  board.first_order = ctx.arena.make_array<std::atomic<std::int32_t>>(std::size_t{spec.locks} * spec.locks);
  for (int w = 0; w < spec.workers; ++w) board.waiting_for[w].store(BoardWait{kNobody, 0}.pack(), std::memory_order_relaxed);
  for (std::uint32_t i = 0; i < spec.locks; ++i) board.holder[i].store(kNobody, std::memory_order_relaxed);
  ctx.control.deadlock_waiting_for = board.waiting_for;
  ctx.control.deadlock_holder = board.holder;
  ctx.control.deadlock_locks = spec.locks;
  auto* events = ctx.arena.make_array<EventCounts>(static_cast<std::size_t>(spec.workers));
  CheckTallies* tallies = detail::make_tallies(ctx);
  if (spec.stress) detail::mark_applies(tallies, spec.workers, {CheckId::exclusion_strong, CheckId::lock_order});
  DeadlockLoop<L> loop(constructed, board, events, tallies, ctx);
  run_workers(ctx, loop);

  detail::merge_events(ctx, events, kDeadlockEvents);
  detail::merge_tallies(ctx, tallies);
  for (L* lock : constructed) lock->~L();
}

}  // namespace contend
