#pragma once
// A knob's values as the command line and suite files write them: parsed into typed values
// (KnobValue) once, when the option or key is read, and checked against the knob's range in the
// workload table (workloads/model/knobs.hpp). Every error is a UsageError that starts with the
// label the caller passes: "--workers" on the command line, "FILE:LINE: key 'workers'" in a
// suite file.
#include <string>
#include <string_view>
#include <vector>

#include "workloads/model/knobs.hpp"

namespace contend::cli {

// What the knob accepts, for messages: "an integer from 1 to 64", "a power of two from 2 to
// 16777216", "\"spin\", \"yield\" or \"block\"".
std::string accepted_values(const Knob& k);

// Throws UsageError when `v` is outside what the knob accepts: "LABEL: expected ACCEPTED, not V"
// (a duration: "LABEL: 'TEXT' is too short; expected at least 10ms").
void check_knob_value(const Knob& k, std::string_view label, const KnobValue& v);

// Parses the command line's text of a knob: every comma-separated value of a sweep or of names,
// else one value; each checked. A flag takes no text.
std::vector<KnobValue> parse_knob_text(const Knob& k, std::string_view label, std::string_view text);

// A value as the command line writes it: "300ms", "spin", "4"; a list comma-separated.
std::string knob_text(const Knob& k, const KnobValue& v);
std::string knob_list_text(const Knob& k, const std::vector<KnobValue>& values);

// "--workers" or "-w,--workers", as CLI11 takes an option's names.
std::string option_flags(const Knob& k);
std::string option_name(const Knob& k);  // "--workers"

}  // namespace contend::cli
