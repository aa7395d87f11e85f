#include "workloads/model/spec.hpp"

#include <fmt/format.h>

namespace contend {

std::string_view to_string(Workload w) {
  switch (w) {
    case Workload::lock: return "lock";
    case Workload::semaphore: return "semaphore";
    case Workload::rw: return "rw";
    case Workload::pingpong: return "pingpong";
    case Workload::queue: return "queue";
    case Workload::pairs: return "pairs";
  }
  return "?";
}

std::string_view to_string(Mode m) { return m == Mode::threads ? "threads" : "processes"; }

std::string_view to_string(Pinning p) {
  switch (p) {
    case Pinning::none: return "none";
    case Pinning::compact: return "compact";
    case Pinning::spread: return "spread";
  }
  return "?";
}

std::string_view to_string(QueueWait w) {
  switch (w) {
    case QueueWait::spin: return "spin";
    case QueueWait::yield: return "yield";
    case QueueWait::block: return "block";
  }
  return "?";
}

std::string_view to_string(WorkerRole r) {
  switch (r) {
    case WorkerRole::worker: return "worker";
    case WorkerRole::producer: return "producer";
    case WorkerRole::consumer: return "consumer";
  }
  return "?";
}

std::string config_name(const RunSpec& spec) {
  if (!spec.micro_case.empty()) {
    // Only what tells micro benchmarks apart: their knobs are fixed by the case.
    std::string name = fmt::format("micro/{}/{}/{}", to_string(spec.workload), spec.primitive, spec.micro_case);
    if (spec.micro_case.starts_with("contended")) name += fmt::format("/threads:{}", spec.workers);
    return name;
  }
  const RunSpec defaults;
  if (spec.workload == Workload::queue) {
    // A queue's shape is its producers, consumers, capacity and what its workers do when they
    // cannot go on; its other knobs are the lock workloads'.
    std::string name = fmt::format("queue/{}/{}/producers:{}/consumers:{}/capacity:{}/wait:{}", spec.primitive,
                                   to_string(spec.mode), spec.producers, spec.workers - spec.producers,
                                   spec.capacity, to_string(spec.wait));
    if (spec.consume_ns != defaults.consume_ns) name += fmt::format("/consume:{}ns", spec.consume_ns);
    if (spec.rate != defaults.rate) name += fmt::format("/rate:{}", spec.rate);
    if (spec.pin != defaults.pin) name += fmt::format("/pin:{}", to_string(spec.pin));
    if (spec.perturb) name += "/perturb";
    return name;
  }
  std::string name = fmt::format("{}/{}/{}/workers:{}", to_string(spec.workload), spec.primitive,
                                 to_string(spec.mode), spec.workers);
  if (spec.workload == Workload::semaphore) name += fmt::format("/permits:{}", spec.permits);
  if (spec.workload == Workload::rw) name += fmt::format("/reads:{}%", spec.read_percent);
  if (spec.cs_ns != defaults.cs_ns) name += fmt::format("/cs:{}ns", spec.cs_ns);
  if (spec.outside_ns != defaults.outside_ns) {
    name += fmt::format("/outside:{}ns{}", spec.outside_ns, spec.outside_scales ? "xworkers" : "");
  }
  if (spec.workload != Workload::semaphore && spec.cs_lines != defaults.cs_lines) {
    name += fmt::format("/lines:{}", spec.cs_lines);
  }
  if (spec.pin != defaults.pin) name += fmt::format("/pin:{}", to_string(spec.pin));
  if (spec.perturb) name += "/perturb";
  return name;
}

std::uint64_t effective_outside_ns(const RunSpec& spec) {
  return spec.outside_scales ? spec.outside_ns * static_cast<std::uint64_t>(spec.workers) : spec.outside_ns;
}

std::int64_t effective_timeout_ns(const RunSpec& spec) {
  if (spec.timeout_ns > 0) return spec.timeout_ns;
  if (spec.operations > 0) return 60'000'000'000;
  return 10'000'000'000 + 2 * (spec.duration_ns + spec.warmup_ns);
}

}  // namespace contend
