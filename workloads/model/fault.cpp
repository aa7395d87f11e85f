#include "workloads/model/fault.hpp"

#include <fmt/format.h>

#include "workloads/model/duration_text.hpp"

namespace contend {
namespace {

constexpr std::string_view kPausePrefix = "pause-holder:";

}  // namespace

std::string fault_text(const Fault& f) {
  switch (f.kind) {
    case FaultKind::none: return "";
    case FaultKind::kill_holder: return "kill-holder";
    case FaultKind::pause_holder: return std::string(kPausePrefix) + duration_text(f.pause_ns);
    case FaultKind::terminate_holder: return "terminate-holder";
  }
  return "";
}

std::optional<Fault> parse_fault(std::string_view text, std::string& error) {
  if (text.empty() || text == "none") return Fault{};
  if (text == "kill-holder") return Fault{FaultKind::kill_holder, 0};
  if (text == "terminate-holder") return Fault{FaultKind::terminate_holder, 0};
  if (text.substr(0, kPausePrefix.size()) == kPausePrefix) {
    const auto ns = duration_ns(text.substr(kPausePrefix.size()));
    if (ns && *ns >= 1'000'000) return Fault{FaultKind::pause_holder, *ns};
    error = fmt::format("'{}' needs a pause of at least 1ms, e.g. pause-holder:50ms", text);
    return std::nullopt;
  }
  error = fmt::format("'{}' is not a fault; expected kill-holder, pause-holder:DURATION (e.g. pause-holder:50ms) or "
                      "terminate-holder",
                      text);
  return std::nullopt;
}

}  // namespace contend
