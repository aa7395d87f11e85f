#include "workloads/model/fault.hpp"

#include <fmt/format.h>

#include <charconv>

namespace contend {
namespace {

constexpr std::string_view kPausePrefix = "pause-holder:";

std::string duration_text(std::int64_t ns) {
  if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

// "50ms", "2s", "100us": a whole number and a unit, or nothing.
std::optional<std::int64_t> duration_ns(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() || n <= 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = 0;
  if (unit == "ns") scale = 1;
  if (unit == "us") scale = 1'000;
  if (unit == "ms") scale = 1'000'000;
  if (unit == "s") scale = 1'000'000'000;
  if (scale == 0 || n > INT64_MAX / scale) return std::nullopt;
  return n * scale;
}

}  // namespace

std::string fault_text(const Fault& f) {
  switch (f.kind) {
    case FaultKind::none: return "";
    case FaultKind::kill_holder: return "kill-holder";
    case FaultKind::pause_holder: return std::string(kPausePrefix) + duration_text(f.pause_ns);
  }
  return "";
}

std::optional<Fault> parse_fault(std::string_view text, std::string& error) {
  if (text.empty() || text == "none") return Fault{};
  if (text == "kill-holder") return Fault{FaultKind::kill_holder, 0};
  if (text.substr(0, kPausePrefix.size()) == kPausePrefix) {
    const auto ns = duration_ns(text.substr(kPausePrefix.size()));
    if (ns && *ns >= 1'000'000) return Fault{FaultKind::pause_holder, *ns};
    error = fmt::format("'{}' needs a pause of at least 1ms, e.g. pause-holder:50ms", text);
    return std::nullopt;
  }
  error = fmt::format("'{}' is not a fault; expected kill-holder or pause-holder:DURATION (e.g. pause-holder:50ms)",
                      text);
  return std::nullopt;
}

}  // namespace contend
