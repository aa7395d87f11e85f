#pragma once
// `--hold`: how long a lease holder keeps the lease (workloads/lease_workload.hpp), fixed
// ("200us") or drawn per acquisition from an exponential distribution of that mean
// ("exp:200us", capped at 10 times the mean): the long tail is how holders outlive a TTL — a
// slow request, a GC pause — without a fault being injected.
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workloads/model/duration_text.hpp"

namespace contend {

struct HoldTime {
  bool exponential = false;
  std::int64_t ns = 20'000;

  bool operator==(const HoldTime&) const = default;
};

inline constexpr std::int64_t kMaxHoldNs = 10'000'000'000;  // 10 s
inline constexpr std::string_view kExponentialPrefix = "exp:";

inline std::string hold_text(const HoldTime& h) {
  return (h.exponential ? std::string(kExponentialPrefix) : std::string()) + duration_text(h.ns);
}

// The hold a `--hold` value names, or nothing with `error` set to what is accepted.
inline std::optional<HoldTime> parse_hold(std::string_view text, std::string& error) {
  HoldTime h;
  std::string_view value = text;
  if (value.substr(0, kExponentialPrefix.size()) == kExponentialPrefix) {
    h.exponential = true;
    value.remove_prefix(kExponentialPrefix.size());
  }
  const auto ns = duration_ns(value, !h.exponential);
  if (!ns || *ns > kMaxHoldNs) {
    error = fmt::format("'{}' is not a hold time; expected a duration up to 10s (e.g. 200us, 0) or exp:MEAN for an "
                        "exponential one (e.g. exp:200us)",
                        text);
    return std::nullopt;
  }
  h.ns = *ns;
  return h;
}

}  // namespace contend
