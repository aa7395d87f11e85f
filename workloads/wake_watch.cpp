#include "workloads/wake_watch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "workloads/stress_verdict.hpp"

namespace contend {
namespace {

constexpr std::int64_t kDefaultLimitNs = 5'000'000;
// A supervisor that was itself descheduled for a while must not count that whole gap as
// stranded time: each sample adds at most this much.
constexpr std::int64_t kMaxSampleGapNs = 5'000'000;

std::int64_t limit_for(const RunSpec& spec) {
  if (spec.stall_ns > 0) return std::min(kDefaultLimitNs, spec.stall_ns / 16);
  return kDefaultLimitNs;
}

// Reads a small /proc file from the start into `buf`; returns its length, or -1.
ssize_t reread(int fd, char* buf, std::size_t size) {
  if (fd < 0) return -1;
  const ssize_t n = pread(fd, buf, size - 1, 0);
  if (n <= 0) return -1;
  buf[n] = '\0';
  return n;
}

}  // namespace

WakeWatch::WakeWatch(const RunSpec& spec, const RunControl& control, const WorkerSlot* slots)
    : spec_(spec), control_(control), slots_(slots), limit_ns_(limit_for(spec)),
      waiters_(static_cast<std::size_t>(spec.workers)) {}

WakeWatch::~WakeWatch() {
  for (Waiter& w : waiters_) {
    if (w.stat_fd >= 0) close(w.stat_fd);
    if (w.schedstat_fd >= 0) close(w.schedstat_fd);
  }
}

void WakeWatch::open_files(Waiter& w, std::int32_t tid) {
  if (w.tid == tid) return;
  if (w.stat_fd >= 0) close(w.stat_fd);
  if (w.schedstat_fd >= 0) close(w.schedstat_fd);
  w = Waiter{};
  w.tid = tid;
  w.stat_fd = open(fmt::format("/proc/{}/stat", tid).c_str(), O_RDONLY | O_CLOEXEC);
  w.schedstat_fd = open(fmt::format("/proc/{}/schedstat", tid).c_str(), O_RDONLY | O_CLOEXEC);
}

bool WakeWatch::read_thread(Waiter& w, char& state, std::uint64_t& run_count) {
  char buf[512];
  if (reread(w.stat_fd, buf, sizeof buf) < 0) return false;
  // "pid (comm) S ...": the state follows the last ')', since comm may hold anything.
  const char* close_paren = std::strrchr(buf, ')');
  if (close_paren == nullptr || close_paren[1] != ' ' || close_paren[2] == '\0') return false;
  state = close_paren[2];
  // "run_ns wait_ns timeslices": the third counts how many times the thread was put on a CPU.
  if (reread(w.schedstat_fd, buf, sizeof buf) < 0) return false;
  char* end = nullptr;
  std::strtoull(buf, &end, 10);
  std::strtoull(end, &end, 10);
  const char* third = end;
  run_count = std::strtoull(third, &end, 10);
  return end != third;
}

WakeWatch::Sleep WakeWatch::sample(int w) {
  Waiter& waiter = waiters_[static_cast<std::size_t>(w)];
  const WorkerSlot& slot = slots_[w];
  if (slot.activity.load(std::memory_order_relaxed) != WorkerActivity::waiting || slot.tid == 0) {
    waiter.asleep = false;
    waiter.stranded_ns = 0;
    return Sleep::not_waiting;
  }
  open_files(waiter, slot.tid);
  char state = '?';
  std::uint64_t run_count = 0;
  if (!read_thread(waiter, state, run_count)) {
    // /proc could not say (the thread is gone, or /proc is not there): judge nothing.
    waiter.asleep = false;
    waiter.stranded_ns = 0;
    return Sleep::unknown;
  }
  // 'S' only: a thread in 'D' waits for the kernel (a page fault's I/O), not for a wake.
  const bool asleep = state == 'S';
  const bool same = asleep && waiter.asleep && run_count == waiter.run_count;
  if (!same) waiter.stranded_ns = 0;
  waiter.asleep = asleep;
  waiter.run_count = run_count;
  return !asleep ? Sleep::awake : same ? Sleep::same_sleep : Sleep::new_sleep;
}

bool WakeWatch::stranded(std::int64_t now_ns) {
  if (!wake_watch_available() || !spec_.stress || control_.waits_on_server != 0) return false;
  if (control_.handoff_pairs != 0) return stranded_pair(now_ns);
  const std::uint32_t allowed = control_.holders_allowed;
  if (allowed == 0) return false;
  // A holder --fault killed still holds it, dead, until someone recovers it: not free.
  if (control_.fault_pending_ns.load(std::memory_order_relaxed) != 0) return false;
  const std::int64_t gap = next_gap(now_ns);

  std::uint32_t inside = 0;
  int waiting = 0;
  int outside = 0;
  for (int w = 0; w < spec_.workers; ++w) {
    switch (slots_[w].activity.load(std::memory_order_relaxed)) {
      case WorkerActivity::inside: ++inside; break;
      case WorkerActivity::waiting: ++waiting; break;
      default: ++outside; break;
    }
  }
  // Only a free primitive can strand a sleeper; /proc is read only then. A busy sample ends no
  // sleep: the next free one tells from the run count whether the sleeper ran in between.
  if (inside >= allowed || waiting == 0) return false;
  bool any_awake = false;
  std::vector<bool> same_sleep(waiters_.size(), false);
  for (int w = 0; w < spec_.workers; ++w) {
    const Sleep sleep = sample(w);
    same_sleep[static_cast<std::size_t>(w)] = sleep == Sleep::same_sleep;
    any_awake = any_awake || sleep == Sleep::unknown || sleep == Sleep::awake;
  }
  if (any_awake) return false;
  // The time since the previous sample counts as stranded when this sample finds it so: over a
  // sleep, that estimates how long the primitive was free while the sleeper slept on.
  for (int w = 0; w < spec_.workers; ++w) {
    Waiter& waiter = waiters_[static_cast<std::size_t>(w)];
    if (!same_sleep[static_cast<std::size_t>(w)]) continue;
    waiter.stranded_ns += gap;
    if (waiter.stranded_ns < limit_ns_) continue;
    stranded_worker_ = w;
    const std::string free_text =
        spec_.workload != Workload::semaphore
            ? std::string("nobody inside")
            : fmt::format("{} of {} permit{} free", allowed - inside, allowed, allowed == 1 ? "" : "s");
    state_ = fmt::format("{}; {} worker{} waiting, all asleep; {} not waiting", free_text, waiting,
                         waiting == 1 ? "" : "s", outside);
    return true;
  }
  return false;
}

bool WakeWatch::stranded_pair(std::int64_t now_ns) {
  const std::int64_t gap = next_gap(now_ns);
  for (int initiator = 0; initiator + 1 < spec_.workers; initiator += 2) {
    const int responder = initiator + 1;
    const Sleep a = sample(initiator);
    const Sleep b = sample(responder);
    // Both ends in receive(), both in the same sleep as at the last sample: the message one of
    // them sent has not woken the other.
    if (a != Sleep::same_sleep || b != Sleep::same_sleep) continue;
    Waiter& first = waiters_[static_cast<std::size_t>(initiator)];
    Waiter& second = waiters_[static_cast<std::size_t>(responder)];
    first.stranded_ns += gap;
    second.stranded_ns += gap;
    if (std::min(first.stranded_ns, second.stranded_ns) < limit_ns_) continue;
    stranded_worker_ = responder;
    state_ = fmt::format("pair {} (workers {} and {})", initiator / 2, initiator, responder);
    return true;
  }
  return false;
}

std::int64_t WakeWatch::next_gap(std::int64_t now_ns) {
  const std::int64_t gap = last_sample_ns_ == 0 ? 0 : std::min(now_ns - last_sample_ns_, kMaxSampleGapNs);
  last_sample_ns_ = now_ns;
  return gap;
}

std::string WakeWatch::report() const {
  if (stranded_worker_ < 0) return {};
  const Waiter& w = waiters_[static_cast<std::size_t>(stranded_worker_)];
  const WorkerSlot& slot = slots_[stranded_worker_];
  if (control_.handoff_pairs != 0) {
    return fmt::format("both ends of {} slept {} in receive(), without being woken: the message one of them sent "
                       "never woke the other; after handoff {}",
                       state_, seconds_text(w.stranded_ns), slot.progress.load(std::memory_order_relaxed));
  }
  const char* primitive = spec_.workload == Workload::semaphore ? "the semaphore" : "the lock";
  return fmt::format("worker {} slept {} in its acquire, without being woken, while {} was free ({}); after "
                     "operation {}",
                     stranded_worker_, seconds_text(w.stranded_ns), primitive, state_,
                     slot.progress.load(std::memory_order_relaxed));
}

}  // namespace contend
