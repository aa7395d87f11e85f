#include "reports/csv.hpp"

#include <fmt/format.h>

#include <optional>
#include <string_view>
#include <vector>

#include "reports/statistics.hpp"

namespace contend {
namespace {

constexpr std::string_view kHeader =
    "name,workload,primitive,mode,workers,repetition,status,status_detail,operations,elapsed_s,"
    "throughput_ops_per_s,ns_per_op,latency_samples,latency_p50_ns,latency_p90_ns,"
    "latency_p99_ns,latency_p99_9_ns,latency_p99_99_ns,latency_max_ns,jain_fairness,"
    "worker_ops_min,worker_ops_max,cpu_user_s,cpu_system_s,cpu_s_per_million_ops,"
    "voluntary_switches,involuntary_switches,lost_updates,checked_updates,duration_s,operations_target,"
    "warmup_s,cs_ns,outside_ns,outside_scales,cs_lines,permits,pin,sample_every,seed,clock_source,"
    "read_percent,write_operations,write_latency_samples,write_latency_p50_ns,write_latency_p99_ns,"
    "write_latency_p99_9_ns,write_latency_max_ns,producers,consumers,capacity,wait,consume_ns,"
    "rate,produced_items,failed_pushes,failed_pops,producer_jain_fairness,failed_attempts,"
    "reordered_items";

// RFC 4180: quote only when needed, double any quote inside.
std::string quoted(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Doubles are written in fmt's shortest form that reads back to the same value ("0.1",
// "1e-05", "12345678"): exact, locale-free, and parsed as numbers by pandas and R.
std::string number(double v) { return fmt::format("{}", v); }

std::string number(std::optional<double> v) { return v ? number(*v) : std::string(); }

// Latency figures are whole nanoseconds; they are written as integers.
std::string whole(std::optional<double> v) {
  return v ? fmt::format("{}", static_cast<std::uint64_t>(*v)) : std::string();
}

template <typename Int>
std::string integer_if(bool present, Int v) {
  return present ? fmt::format("{}", v) : std::string();
}

void append_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += quoted(fields[i]);
  }
  out += '\n';
}

}  // namespace

std::string to_csv(const Results& results) {
  std::string out(kHeader);
  out += '\n';
  const std::string clock_source = to_string(results.environment.clock.source);
  for (const ConfigResult& config : results.configs) {
    const RunSpec& spec = config.spec;
    const bool lock = spec.workload == Workload::lock;
    const bool semaphore = spec.workload == Workload::semaphore;
    const bool rw = spec.workload == Workload::rw;
    const bool queue = spec.workload == Workload::queue;
    const bool pairs = spec.workload == Workload::pairs;
    for (const Repetition& rep : config.repetitions) {
      const bool measured = rep.measured();
      const bool writes_sampled = measured && rep.write_latency.total_count() > 0;
      const auto value = [&rep](Metric m) { return metric_value(rep, m); };
      append_row(
          out,
          {
              config.name(),
              std::string(to_string(spec.workload)),
              spec.primitive,
              std::string(to_string(spec.mode)),
              fmt::format("{}", spec.workers),
              fmt::format("{}", rep.index),
              std::string(to_string(rep.status)),
              rep.status_detail,
              integer_if(measured, rep.operations()),
              measured ? number(rep.elapsed_s) : std::string(),
              number(value(Metric::throughput)),
              number(value(Metric::ns_per_op)),
              integer_if(measured, rep.latency.total_count()),
              whole(value(Metric::p50)),
              whole(value(Metric::p90)),
              whole(value(Metric::p99)),
              whole(value(Metric::p999)),
              whole(value(Metric::p9999)),
              whole(value(Metric::max_latency)),
              number(value(Metric::jain)),
              integer_if(measured, rep.worker_ops_min()),
              integer_if(measured, rep.worker_ops_max()),
              measured ? number(rep.cpu_user_s()) : std::string(),
              measured ? number(rep.cpu_system_s()) : std::string(),
              number(value(Metric::cpu_per_mop)),
              integer_if(measured, rep.voluntary_switches()),
              integer_if(measured, rep.involuntary_switches()),
              integer_if(measured, rep.lost_updates),
              integer_if(measured, rep.checked_updates),
              // A run is bounded either by time or by an operation count; the other bound is unset.
              spec.duration_ns > 0 ? number(static_cast<double>(spec.duration_ns) / 1e9)
                                   : std::string(),
              integer_if(spec.operations > 0, spec.operations),
              number(static_cast<double>(spec.warmup_ns) / 1e9),
              fmt::format("{}", spec.cs_ns),
              fmt::format("{}", spec.outside_ns),
              std::string(spec.outside_scales ? "true" : "false"),
              integer_if(lock || rw, spec.cs_lines),
              integer_if(semaphore, spec.permits),
              std::string(to_string(spec.pin)),
              fmt::format("{}", spec.sample_every),
              fmt::format("{}", spec.seed),
              clock_source,
              // The rw workload's write side; its reads are in the latency_* columns above.
              integer_if(rw, spec.read_percent),
              integer_if(rw && measured, rep.write_operations()),
              integer_if(rw && measured, rep.write_latency.total_count()),
              integer_if(rw && writes_sampled, rep.write_latency.value_at_percentile(50)),
              integer_if(rw && writes_sampled, rep.write_latency.value_at_percentile(99)),
              integer_if(rw && writes_sampled, rep.write_latency.value_at_percentile(99.9)),
              integer_if(rw && writes_sampled, rep.write_latency.max()),
              // The queue workload's shape and what its operations (items delivered) leave out.
              integer_if(queue, spec.producers),
              integer_if(queue, spec.workers - spec.producers),
              integer_if(queue || pairs, spec.capacity),
              queue || pairs ? std::string(to_string(spec.wait)) : std::string(),
              integer_if(queue, spec.consume_ns),
              integer_if(queue, spec.rate),
              integer_if(queue && measured, rep.produced_items()),
              integer_if(queue && measured, rep.failed_pushes()),
              integer_if(queue && measured, rep.failed_pops()),
              queue && measured ? number(rep.producer_jain_fairness()) : std::string(),
              integer_if((queue || pairs) && measured, rep.failed_attempts()),
              integer_if((queue || pairs) && measured, rep.reordered_items),
          });
    }
  }
  return out;
}

}  // namespace contend
