#include "workloads/model/spec.hpp"

#include <fmt/format.h>

#include "workloads/model/knobs.hpp"

namespace contend {

std::string_view to_string(Workload w) { return workload_info(w).name; }

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

std::vector<std::string> knob_segments(const RunSpec& spec) {
  std::vector<std::string> segments;
  const WorkloadInfo& info = workload_info(spec.workload);
  for (KnobId id : info.identity) segments.push_back(name_segment(knob(id), spec));
  const RunSpec defaults;
  for (const Knob& k : knobs()) {
    if (k.label.empty() || !applies(k, spec.workload) || in_identity(k, spec.workload)) continue;
    if (k.stress_only && !spec.stress) continue;
    if (k.get(spec) == k.get(defaults)) continue;
    segments.push_back(name_segment(k, spec));
  }
  return segments;
}

std::string config_name(const RunSpec& spec) {
  if (!spec.micro_case.empty()) {
    // Only what tells micro benchmarks apart: their knobs are fixed by the case.
    std::string name = fmt::format("micro/{}/{}/{}", to_string(spec.workload), spec.primitive, spec.micro_case);
    if (spec.micro_case.starts_with("contended")) name += fmt::format("/threads:{}", spec.workers);
    return name;
  }
  std::string name = fmt::format("{}/{}/{}", to_string(spec.workload), spec.primitive, to_string(spec.mode));
  for (const std::string& segment : knob_segments(spec)) name += "/" + segment;
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
