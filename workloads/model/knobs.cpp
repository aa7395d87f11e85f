#include "workloads/model/knobs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

namespace contend {

std::span<const Knob> knobs() {
  static const std::vector<Knob> table = [] {
    std::vector<Knob> t = detail::make_knob_table();
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (static_cast<std::size_t>(t[i].id) != i) throw std::logic_error("the knob table is out of KnobId order");
    }
    if (t.size() != kKnobCount) throw std::logic_error("the knob table misses a KnobId");
    return t;
  }();
  return table;
}

std::span<const WorkloadInfo> workloads() {
  static const std::vector<WorkloadInfo> table = detail::make_workload_table();
  return table;
}

const Knob& knob(KnobId id) { return knobs()[static_cast<std::size_t>(id)]; }

const Knob* find_knob(std::string_view name) {
  for (const Knob& k : knobs()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

const WorkloadInfo& workload_info(Workload w) {
  for (const WorkloadInfo& info : workloads()) {
    if (info.workload == w) return info;
  }
  throw std::logic_error("a workload is missing from the workload table");
}

const WorkloadInfo* find_workload(std::string_view name) {
  for (const WorkloadInfo& info : workloads()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

bool applies(const Knob& k, Workload w) {
  const WorkloadInfo& info = workload_info(w);
  if (k.universal) return !k.stress_only || info.stress;
  const auto lists = [&k](const std::vector<KnobId>& ids) { return std::find(ids.begin(), ids.end(), k.id) != ids.end(); };
  return lists(info.identity) || lists(info.knobs);
}

std::vector<Workload> workloads_taking(const Knob& k) {
  std::vector<Workload> taking;
  for (const WorkloadInfo& w : workloads()) {
    if (applies(k, w.workload)) taking.push_back(w.workload);
  }
  return taking;
}

bool in_identity(const Knob& k, Workload w) {
  const std::vector<KnobId>& identity = workload_info(w).identity;
  return std::find(identity.begin(), identity.end(), k.id) != identity.end();
}

std::vector<KnobValue> default_values(const Knob& k, Workload w, bool stress) {
  if (stress) {
    for (const auto& [id, values] : workload_info(w).stress_defaults) {
      if (id == k.id) return values;
    }
    if (!k.stress_default.empty()) return k.stress_default;
  }
  for (const auto& [id, values] : workload_info(w).defaults) {
    if (id == k.id) return values;
  }
  if (!k.default_values.empty()) return k.default_values;
  return {k.get(RunSpec{})};
}

std::string plain_text(const Knob& k, const KnobValue& v) {
  if (k.kind == KnobKind::names) return as_name(v);
  const std::int64_t n = as_integer(v);
  if (k.kind == KnobKind::choice && n >= 0 && static_cast<std::size_t>(n) < k.choices.size()) {
    return std::string(k.choices[static_cast<std::size_t>(n)]);
  }
  if (k.kind == KnobKind::fraction) return fmt::format("{:g}", static_cast<double>(n) / 1e6);
  return fmt::format("{}", n);
}

std::string name_segment(const Knob& k, const RunSpec& spec) {
  if (k.kind == KnobKind::flag) return std::string(k.label);
  const std::string value = k.name_value != nullptr ? k.name_value(spec) : plain_text(k, k.get(spec)) + std::string(k.unit);
  return fmt::format("{}:{}", k.label, value);
}

std::string workload_list(const std::vector<Workload>& list, std::string_view last_joiner) {
  std::string text;
  std::size_t i = 0;
  for (const WorkloadInfo& info : workloads()) {
    if (std::find(list.begin(), list.end(), info.workload) == list.end()) continue;
    if (i > 0) text += i + 1 == list.size() ? std::string(last_joiner) : std::string(", ");
    text += info.name;
    ++i;
  }
  return text;
}

std::int64_t as_integer(const KnobValue& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  throw std::logic_error("a knob value is a name where a number is expected");
}

const std::string& as_name(const KnobValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw std::logic_error("a knob value is a number where a name is expected");
}

}  // namespace contend
