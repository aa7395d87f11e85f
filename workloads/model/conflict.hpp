#pragma once
// `--on-conflict`: what a worker of the deadlock workload does when a lock it needs is held
// (workloads/deadlock_workload.hpp): wait for it (lock(): deadlocks are possible), try it once
// and on failure give back what it holds and start over (NOWAIT), or retry it until a timeout
// and then give back and start over ("timeout:5ms", a lock_timeout with back-off).
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workloads/model/duration_text.hpp"

namespace contend {

enum class ConflictKind : std::uint32_t { wait, try_once, timeout };

struct OnConflict {
  ConflictKind kind = ConflictKind::wait;
  std::int64_t timeout_ns = 0;  // timeout only

  bool operator==(const OnConflict&) const = default;
};

inline constexpr std::string_view kTimeoutPrefix = "timeout:";

inline std::string conflict_text(const OnConflict& c) {
  switch (c.kind) {
    case ConflictKind::wait: return "wait";
    case ConflictKind::try_once: return "try";
    case ConflictKind::timeout: return std::string(kTimeoutPrefix) + duration_text(c.timeout_ns);
  }
  return "wait";
}

inline std::optional<OnConflict> parse_conflict(std::string_view text, std::string& error) {
  if (text == "wait") return OnConflict{};
  if (text == "try") return OnConflict{ConflictKind::try_once, 0};
  if (text.substr(0, kTimeoutPrefix.size()) == kTimeoutPrefix) {
    const auto ns = duration_ns(text.substr(kTimeoutPrefix.size()));
    if (ns && *ns >= 1'000 && *ns <= 10'000'000'000) return OnConflict{ConflictKind::timeout, *ns};
  }
  error = fmt::format("'{}' is not a conflict policy; expected wait, try or timeout:DURATION (1us to 10s, e.g. "
                      "timeout:5ms)",
                      text);
  return std::nullopt;
}

}  // namespace contend
