#pragma once
// `contend stress`: the worker loops that check properties instead of measuring.
//
// Every loop runs the family's operations as fast as the schedule allows and checks, on every
// operation, what the primitive promises; every worker counts into its own CheckTallies, merged
// after the run (workloads/checks.hpp). All loops publish progress and where the worker is
// (waiting, inside, outside) to its own slot on every operation, for the progress watchdog.
//
// Locks (and the exclusive side of reader-writer locks):
//  - strong mutual exclusion: an atomic occupancy counter, incremented after acquiring and
//    decremented before releasing, must be 0 on entry;
//  - transparent mutual exclusion: a plain owner word (relaxed loads and stores, which compile
//    to plain moves) must be 0 on entry and still ours just before leaving. It adds no fence
//    and no read-modify-write to the critical section, so it cannot hide a lock whose own
//    ordering is too weak — which the strong check's locked instruction could.
//  The two alternate in windows of kCheckWindowNs, chosen from the clock every worker reads
//  (an invariant TSC is the same on every core), so overlapping critical sections almost always
//  run the same check and see each other.
//  - lost updates: a plain shared counter, read on entry and written back (+1) on exit, must
//    equal the critical sections;
//  - try_lock while held: one acquisition in four goes through try_lock (when the lock has it);
//    such an acquisition that finds someone inside is a try_lock violation.
// Semaphores: an atomic holder count must stay within the permits; after the run exactly
// `permits` try_acquire calls succeed (when the semaphore has try_acquire).
// Reader-writer locks: one atomic word counts readers (low half) and writers (high half): a
// writer must find it 0, a reader must find no writer; the transparent owner word as for locks.
//
// --perturb adds seeded random delays (up to 2 µs of busy work) and yields before acquiring,
// inside, and after releasing, to widen race windows.
#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"
#include "workloads/acquire_loop.hpp"
#include "workloads/busy_work.hpp"
#include "workloads/checks.hpp"
#include "workloads/clock.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/rw_workload.hpp"
#include "workloads/sampler.hpp"
#include "workloads/semaphore_workload.hpp"

namespace contend {

inline constexpr std::uint64_t kCheckWindowNs = 4'000'000;

// The checkers' shared words, each alone on its cache line.
struct ExclusionWords {
  alignas(kCacheLineSize) std::atomic<std::uint64_t> occupancy{0};  // strong check; rw: readers + writers << 32
  alignas(kCacheLineSize) std::atomic<std::uint64_t> owner{0};      // transparent check: 0 or worker + 1
};
inline constexpr std::uint64_t kWriterUnit = std::uint64_t{1} << 32;

// A small seeded generator (xorshift64*), one per worker.
class StressRandom {
 public:
  explicit StressRandom(std::uint64_t seed) : state_(seed | 1) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }

 private:
  std::uint64_t state_;
};

// --perturb: at each point, with probability 1/64 a sched_yield, else with 1/8 a random busy
// delay of up to 2 µs. Does nothing when off.
class Perturber {
 public:
  Perturber(bool on, std::uint64_t seed, const WorkCalibration& work)
      : on_(on), random_(seed), max_iterations_(work_iterations(work, 2000) + 1) {}

  void point() {
    if (!on_) return;
    const std::uint64_t r = random_.next();
    if ((r & 63) == 0) {
      sched_yield();
    } else if ((r & 7) == 0) {
      busy_iterations((r >> 8) % max_iterations_);
    }
  }

 private:
  bool on_;
  StressRandom random_;
  std::uint64_t max_iterations_;
};

inline void note_violation(CheckTally& tally, int worker, std::uint64_t operation) {
  if (tally.violations++ == 0) {
    tally.first_operation = operation;
    tally.first_ns = monotonic_ns();
    tally.first_worker = worker;
  }
}

// What every stress loop shares: the measuring loops' settings, and --perturb with the
// calibration its delays are drawn in.
struct StressSettings : LoopSettings {
  bool perturb;
  WorkCalibration work;

  explicit StressSettings(const RepetitionContext& ctx)
      : LoopSettings(ctx), perturb(ctx.spec.perturb), work(ctx.calibrations.work) {}

  // True in the windows where the strong check runs, false in the transparent ones.
  bool strong_window(std::uint64_t now_ticks) const { return (clock.to_ns(now_ticks) / kCheckWindowNs) % 2 == 0; }
};

// A worker's per-operation bookkeeping: timing of the wait, progress, activity.
class StressWorker {
 public:
  StressWorker(const StressSettings& s, int worker, WorkerSlot& slot, CheckTallies& tallies)
      : s_(s),
        worker_(worker),
        slot_(slot),
        tallies_(tallies),
        sampler_(s.sample_every, worker_seed(s.seed, worker)),
        random_(worker_seed(s.seed ^ 0x6a09e667f3bcc909ULL, worker)),
        perturb_(s.perturb, worker_seed(s.seed ^ 0xbb67ae8584caa73bULL, worker), s.work),
        first_index_(slot.warmup_operations) {}

  // Before acquiring: returns the clock value the wait starts at.
  std::uint64_t begin_wait() {
    perturb_.point();
    slot_.activity.store(WorkerActivity::waiting, std::memory_order_relaxed);
    return s_.clock.now();
  }
  void end_wait(std::uint64_t t0, bool sample) {
    if (sample) slot_.latency.record(s_.clock.to_ns(s_.clock.now() - t0));
    slot_.activity.store(WorkerActivity::inside, std::memory_order_relaxed);
  }
  void inside_work() {
    perturb_.point();
    if (s_.inside_iterations != 0) busy_iterations(s_.inside_iterations);
    perturb_.point();
  }
  void released(std::uint64_t ops) {
    slot_.activity.store(WorkerActivity::outside, std::memory_order_relaxed);
    perturb_.point();
    if (s_.outside_iterations != 0) busy_iterations(s_.outside_iterations);
    slot_.progress.store(ops, std::memory_order_relaxed);
  }
  void violation(CheckId id, std::uint64_t ops) { note_violation(tallies_[id], worker_, first_index_ + ops); }
  void checked(CheckId id) { ++tallies_[id].checked; }
  bool should_sample() { return sampler_.should_sample(); }
  std::uint64_t random() { return random_.next(); }
  const StressSettings& settings() const { return s_; }

 private:
  const StressSettings& s_;
  const int worker_;
  WorkerSlot& slot_;
  CheckTallies& tallies_;
  Sampler sampler_;
  StressRandom random_;
  Perturber perturb_;
  const std::uint64_t first_index_;  // operations this worker did before this phase (warmup)
};

// Spins on a try-operation until it succeeds, yielding now and then so that with more workers
// than cores the holder gets to run.
template <class Try>
void spin_on_try(Try attempt) {
  for (std::uint32_t tries = 1; !attempt(); ++tries) {
    if ((tries & 63) == 0) {
      sched_yield();
    } else {
      cpu_relax();
    }
  }
}

template <Lock L>
class LockStressLoop {
 public:
  LockStressLoop(L& lock, ExclusionWords& words, SharedLine* lines, CheckTallies* tallies, const RepetitionContext& ctx)
      : lock_(lock), words_(words), lines_(lines), tallies_(tallies), cs_lines_(ctx.spec.cs_lines), settings_(ctx),
        can_try_(supports_try_lock(lock)) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    const std::uint64_t token = static_cast<std::uint64_t>(worker) + 1;
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool by_try = can_try_ && (w.random() & 3) == 0;
      const std::uint64_t t0 = w.begin_wait();
      if (by_try) {
        if constexpr (TryLock<L>) spin_on_try([&] { return lock_.try_lock(); });
      } else {
        lock_.lock();
      }
      w.end_wait(t0, kSample && w.should_sample());
      const CheckId entry_check = by_try ? CheckId::try_lock_exclusion : CheckId::exclusion_strong;
      const bool strong = settings_.strong_window(t0);
      if (strong) {
        w.checked(entry_check);
        if (words_.occupancy.fetch_add(1, std::memory_order_acq_rel) != 0) w.violation(entry_check, ops);
      } else {
        w.checked(by_try ? CheckId::try_lock_exclusion : CheckId::exclusion_transparent);
        if (words_.owner.load(std::memory_order_relaxed) != 0) {
          w.violation(by_try ? CheckId::try_lock_exclusion : CheckId::exclusion_transparent, ops);
        }
        words_.owner.store(token, std::memory_order_relaxed);
      }
      // Read-modify-write of the shared lines spans the critical section (read on entry, write
      // back on exit), so that two workers inside at once lose an update even when they entered
      // a little apart.
      if (cs_lines_ == 1) {
        const std::uint64_t seen = lines_[0].value.load(std::memory_order_relaxed);
        w.inside_work();
        lines_[0].value.store(seen + 1, std::memory_order_relaxed);
      } else {
        for (std::uint32_t i = 0; i < cs_lines_; ++i) lines_[i].increment();
        w.inside_work();
      }
      if (strong) {
        words_.occupancy.fetch_sub(1, std::memory_order_acq_rel);
      } else {
        // Someone entered while we were inside: their entry was the bad one, seen from here.
        if (words_.owner.load(std::memory_order_relaxed) != token) w.violation(CheckId::exclusion_transparent, ops);
        words_.owner.store(0, std::memory_order_relaxed);
      }
      lock_.unlock();
      ++ops;
      w.released(ops);
    }
    return ops;
  }

  bool can_try() const { return can_try_; }

 private:
  L& lock_;
  ExclusionWords& words_;
  SharedLine* const lines_;
  CheckTallies* const tallies_;
  const std::uint32_t cs_lines_;
  const StressSettings settings_;
  const bool can_try_;
};

template <Semaphore S>
class SemaphoreStressLoop {
 public:
  SemaphoreStressLoop(S& sem, ExclusionWords& words, CheckTallies* tallies, const RepetitionContext& ctx)
      : sem_(sem), words_(words), tallies_(tallies), permits_(ctx.spec.permits), settings_(ctx),
        can_try_(supports_try_acquire(sem)) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool by_try = can_try_ && (w.random() & 3) == 0;
      const std::uint64_t t0 = w.begin_wait();
      if (by_try) {
        if constexpr (TrySemaphore<S>) spin_on_try([&] { return static_cast<bool>(sem_.try_acquire()); });
      } else {
        sem_.acquire();
      }
      w.end_wait(t0, kSample && w.should_sample());
      w.checked(CheckId::semaphore_holders);
      if (words_.occupancy.fetch_add(1, std::memory_order_acq_rel) + 1 > permits_) {
        w.violation(CheckId::semaphore_holders, ops);
      }
      w.inside_work();
      words_.occupancy.fetch_sub(1, std::memory_order_acq_rel);
      sem_.release();
      ++ops;
      w.released(ops);
    }
    return ops;
  }

  bool can_try() const { return can_try_; }

 private:
  S& sem_;
  ExclusionWords& words_;
  CheckTallies* const tallies_;
  const std::uint64_t permits_;
  const StressSettings settings_;
  const bool can_try_;
};

template <RwLock R>
class RwStressLoop {
 public:
  RwStressLoop(R& lock, ExclusionWords& words, SharedLine* lines, CheckTallies* tallies, const RepetitionContext& ctx)
      : lock_(lock), words_(words), lines_(lines), tallies_(tallies), cs_lines_(ctx.spec.cs_lines),
        read_percent_(ctx.spec.read_percent), settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    const std::uint64_t token = static_cast<std::uint64_t>(worker) + 1;
    std::uint64_t ops = 0;
    std::uint64_t writes = 0;
    std::uint64_t sink = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool write = w.random() % 100 >= read_percent_;
      const std::uint64_t t0 = w.begin_wait();
      if (write) {
        lock_.lock();
      } else {
        lock_.lock_shared();
      }
      // Writes are timed apart, as in the rw workload.
      if (kSample && w.should_sample()) {
        (write ? slot.write_latency : slot.latency).record(settings_.clock.to_ns(settings_.clock.now() - t0));
      }
      w.end_wait(t0, false);
      const bool strong = settings_.strong_window(t0);
      if (strong) {
        w.checked(CheckId::rw_exclusion);
        const std::uint64_t before = words_.occupancy.fetch_add(write ? kWriterUnit : 1, std::memory_order_acq_rel);
        if (write ? before != 0 : before >= kWriterUnit) w.violation(CheckId::rw_exclusion, ops);
      } else {
        w.checked(CheckId::exclusion_transparent);
        if (words_.owner.load(std::memory_order_relaxed) != 0) w.violation(CheckId::exclusion_transparent, ops);
        if (write) words_.owner.store(token, std::memory_order_relaxed);
      }
      if (write) {
        for (std::uint32_t i = 0; i < cs_lines_; ++i) lines_[i].increment();
      } else {
        for (std::uint32_t i = 0; i < cs_lines_; ++i) sink += lines_[i].value.load(std::memory_order_relaxed);
      }
      w.inside_work();
      if (strong) {
        words_.occupancy.fetch_sub(write ? kWriterUnit : 1, std::memory_order_acq_rel);
      } else {
        const std::uint64_t owner = words_.owner.load(std::memory_order_relaxed);
        if (owner != (write ? token : 0)) w.violation(CheckId::exclusion_transparent, ops);
        if (write) words_.owner.store(0, std::memory_order_relaxed);
      }
      if (write) {
        lock_.unlock();
        ++writes;
      } else {
        lock_.unlock_shared();
      }
      ++ops;
      w.released(ops);
    }
    asm volatile("" : : "r"(sink));
    slot.write_operations = writes;
    return ops;
  }

 private:
  R& lock_;
  ExclusionWords& words_;
  SharedLine* const lines_;
  CheckTallies* const tallies_;
  const std::uint32_t cs_lines_;
  const std::uint32_t read_percent_;
  const StressSettings settings_;
};

namespace detail {

inline std::size_t stress_extra_bytes(const RunSpec& spec) {
  return sizeof(ExclusionWords) + alignof(ExclusionWords) +
         sizeof(CheckTallies) * static_cast<std::size_t>(spec.workers) + alignof(CheckTallies);
}

inline CheckTallies* make_tallies(SharedArena& arena, int workers) {
  auto* tallies = static_cast<CheckTallies*>(
      arena.allocate(sizeof(CheckTallies) * static_cast<std::size_t>(workers), alignof(CheckTallies)));
  for (int w = 0; w < workers; ++w) new (&tallies[w]) CheckTallies();
  return tallies;
}

inline void mark_applies(CheckTallies* tallies, int workers, std::initializer_list<CheckId> ids) {
  for (int w = 0; w < workers; ++w) {
    for (CheckId id : ids) tallies[w][id].applies = 1;
  }
}

inline void set_note(CheckTally& tally, std::string_view note) {
  const std::size_t n = std::min(note.size(), sizeof(tally.note) - 1);
  std::copy_n(note.data(), n, tally.note);
  tally.note[n] = '\0';
}

// Merges the workers' tallies into the control block.
inline void merge_tallies(RepetitionContext& ctx, const CheckTallies* tallies) {
  for (int w = 0; w < ctx.spec.workers; ++w) {
    for (std::size_t c = 0; c < kCheckCount; ++c) merge_tally(ctx.control.checks.by_check[c], tallies[w].by_check[c]);
  }
}

// The lost-updates check over the shared lines, as the lock workload runs it, as a tally.
inline void lost_updates_tally(RepetitionContext& ctx, const SharedLine* lines, std::uint64_t expected) {
  check_shared_lines(lines, ctx.spec.cs_lines, expected, ctx.control);
  CheckTally& t = ctx.control.checks[CheckId::lost_updates];
  t.applies = 1;
  t.checked = expected;
  t.violations = ctx.control.lost_updates;
}

}  // namespace detail

template <Lock L>
std::size_t lock_stress_bytes(const RunSpec& spec) {
  return lock_workload_bytes<L>(spec) + detail::stress_extra_bytes(spec);
}

template <Lock L>
void run_lock_stress(RepetitionContext& ctx) {
  SharedLine* lines = make_shared_lines(ctx.arena, ctx.spec.cs_lines);
  auto* words = ctx.arena.make<ExclusionWords>();
  CheckTallies* tallies = detail::make_tallies(ctx.arena, ctx.spec.workers);
  L* lock = make_lock<L>(ctx.arena, ctx.spec.mode);
  LockStressLoop<L> loop(*lock, *words, lines, tallies, ctx);
  detail::mark_applies(tallies, ctx.spec.workers, {CheckId::exclusion_strong, CheckId::exclusion_transparent});
  if (loop.can_try()) detail::mark_applies(tallies, ctx.spec.workers, {CheckId::try_lock_exclusion});
  run_workers(ctx, loop);

  detail::merge_tallies(ctx, tallies);
  if (!loop.can_try()) {
    CheckTally& t = ctx.control.checks[CheckId::try_lock_exclusion];
    t.applies = 1;
    detail::set_note(t, "not checked: the lock has no try_lock");
  }
  std::uint64_t critical_sections = 0;
  for (int w = 0; w < ctx.spec.workers; ++w) {
    critical_sections += ctx.slots[w].warmup_operations + ctx.slots[w].operations;
  }
  detail::lost_updates_tally(ctx, lines, critical_sections);
  lock->~L();
}

template <Semaphore S>
std::size_t semaphore_stress_bytes(const RunSpec& spec) {
  return semaphore_workload_bytes<S>(spec) + detail::stress_extra_bytes(spec);
}

template <Semaphore S>
void run_semaphore_stress(RepetitionContext& ctx) {
  auto* words = ctx.arena.make<ExclusionWords>();
  CheckTallies* tallies = detail::make_tallies(ctx.arena, ctx.spec.workers);
  S* sem = make_semaphore<S>(ctx.arena, ctx.spec.mode, ctx.spec.permits);
  SemaphoreStressLoop<S> loop(*sem, *words, tallies, ctx);
  detail::mark_applies(tallies, ctx.spec.workers, {CheckId::semaphore_holders});
  run_workers(ctx, loop);

  detail::merge_tallies(ctx, tallies);
  // Every worker released what it took, so exactly `permits` can be taken now: fewer means
  // permits leaked away, more means the semaphore made some up.
  CheckTally& conserved = ctx.control.checks[CheckId::permits_conserved];
  conserved.applies = 1;
  if constexpr (TrySemaphore<S>) {
    if (loop.can_try() && ctx.control.crash_signal == 0) {
      const std::uint64_t permits = ctx.spec.permits;
      std::uint64_t taken = 0;
      // Up to permits + 1: one more than it should hold is enough to tell. A failed try is
      // retried a few times: try_acquire may fail spuriously under contention, and there is
      // none now.
      for (int misses = 0; taken <= permits && misses < 3;) {
        if (sem->try_acquire()) {
          ++taken;
        } else {
          ++misses;
          sched_yield();
        }
      }
      for (std::uint64_t i = 0; i < taken; ++i) sem->release();
      conserved.checked = permits;
      if (taken != permits) {
        conserved.violations = taken > permits ? taken - permits : permits - taken;
        detail::set_note(conserved, taken > permits ? fmt::format("more than {} permits could be taken after the run", permits)
                                                    : fmt::format("only {} of {} permits could be taken after the run", taken, permits));
      }
    }
  }
  if (conserved.checked == 0 && conserved.note[0] == '\0') {
    detail::set_note(conserved, "not checked: the semaphore has no try_acquire");
  }
  sem->~S();
}

template <RwLock R>
std::size_t rw_stress_bytes(const RunSpec& spec) {
  return rw_workload_bytes<R>(spec) + detail::stress_extra_bytes(spec);
}

template <RwLock R>
void run_rw_stress(RepetitionContext& ctx) {
  SharedLine* lines = make_shared_lines(ctx.arena, ctx.spec.cs_lines);
  auto* words = ctx.arena.make<ExclusionWords>();
  CheckTallies* tallies = detail::make_tallies(ctx.arena, ctx.spec.workers);
  R* lock = make_lock<R>(ctx.arena, ctx.spec.mode);
  RwStressLoop<R> loop(*lock, *words, lines, tallies, ctx);
  detail::mark_applies(tallies, ctx.spec.workers, {CheckId::rw_exclusion, CheckId::exclusion_transparent});
  run_workers(ctx, loop);

  detail::merge_tallies(ctx, tallies);
  std::uint64_t writes = 0;
  for (int w = 0; w < ctx.spec.workers; ++w) {
    writes += ctx.slots[w].warmup_write_operations + ctx.slots[w].write_operations;
  }
  detail::lost_updates_tally(ctx, lines, writes);
  lock->~R();
}

}  // namespace contend
