#include "workloads/deadlock_watch.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace contend {

namespace {

// --on-conflict wait: 20 ms. try and timeout: every worker gives up within its timeout, so one
// of their waits stands longer only while its worker is not scheduled (a loaded machine, a
// sanitizer's pace) or when try_lock itself blocks; 200 ms, or twice the timeout, keeps the
// first out and still names the second.
std::int64_t confirmation_ns(const RunSpec& spec) {
  std::int64_t confirm = 20'000'000;
  if (spec.on_conflict.kind != ConflictKind::wait) confirm = std::max<std::int64_t>(200'000'000, 2 * spec.on_conflict.timeout_ns);
  if (spec.stall_ns > 0) confirm = std::min(confirm, spec.stall_ns / 2);
  return confirm;
}

}  // namespace

DeadlockWatch::DeadlockWatch(const RunSpec& spec, const RunControl& control)
    : control_(control), workers_(spec.workers), confirm_ns_(confirmation_ns(spec)) {}

std::vector<DeadlockWatch::Edge> DeadlockWatch::find_cycle() const {
  const std::atomic<std::uint64_t>* waiting = control_.deadlock_waiting_for;
  const std::atomic<std::int32_t>* holder = control_.deadlock_holder;
  std::vector<Edge> next(static_cast<std::size_t>(workers_), Edge{-1, -1, 0, -1});
  for (int w = 0; w < workers_; ++w) {
    const BoardWait wait = BoardWait::unpack(waiting[w].load(std::memory_order_acquire));
    if (wait.lock < 0 || static_cast<std::uint32_t>(wait.lock) >= control_.deadlock_locks) continue;
    const std::int32_t h = holder[wait.lock].load(std::memory_order_acquire);
    if (h < 0 || h >= workers_ || h == w) continue;
    next[static_cast<std::size_t>(w)] = {w, wait.lock, wait.number, h};
  }
  for (int start = 0; start < workers_; ++start) {
    std::vector<Edge> path;
    int at = start;
    for (int steps = 0; steps <= workers_ && next[static_cast<std::size_t>(at)].worker >= 0; ++steps) {
      const Edge e = next[static_cast<std::size_t>(at)];
      path.push_back(e);
      at = e.holder;
      if (at == start) {
        // A cycle through `start`; report it from its lowest worker, so that the same cycle read
        // from another start compares equal.
        auto lowest = std::min_element(path.begin(), path.end(),
                                       [](const Edge& a, const Edge& b) { return a.worker < b.worker; });
        std::rotate(path.begin(), lowest, path.end());
        return path;
      }
      if (at < start) break;  // a cycle through a lower worker was looked for from there
    }
  }
  return {};
}

bool DeadlockWatch::deadlocked(std::int64_t now_ns) {
  if (control_.deadlock_waiting_for == nullptr || control_.deadlock_holder == nullptr) return false;
  std::vector<Edge> cycle = find_cycle();
  if (cycle.empty() || cycle != cycle_) {
    cycle_ = std::move(cycle);
    since_ns_ = now_ns;
    return false;
  }
  return now_ns - since_ns_ >= confirm_ns_;
}

std::string DeadlockWatch::report() const {
  std::string text;
  for (const Edge& e : cycle_) {
    text += fmt::format("{}worker {} waits for lock {}, held by worker {}", text.empty() ? "" : "; ", e.worker, e.lock,
                        e.holder);
  }
  return fmt::format("{} (for {:.0f} ms: a cycle, so none of them can go on)", text,
                     static_cast<double>(confirm_ns_) / 1e6);
}

}  // namespace contend
