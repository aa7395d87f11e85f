#include "cli/knob_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "cli/parse.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {

namespace {

bool is_power_of_two(std::int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

std::string choice_list(const Knob& k) {
  std::string text;
  for (std::size_t i = 0; i < k.choices.size(); ++i) {
    text += fmt::format("{}\"{}\"", i == 0 ? "" : (i + 1 == k.choices.size() ? " or " : ", "), k.choices[i]);
  }
  return text;
}

std::int64_t parse_whole(const Knob& k, std::string_view label, std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw UsageError(fmt::format("{}: '{}' is not a whole number; expected {}", label, text, accepted_values(k)));
  }
  return v;
}

}  // namespace

std::string accepted_values(const Knob& k) {
  switch (k.kind) {
    case KnobKind::names: return "names separated by commas, or \"all\"";
    case KnobKind::count:
      return fmt::format("{} from {} to {}", k.power_of_two ? "a power of two" : "an integer", k.min, k.max);
    case KnobKind::duration:
      return fmt::format("a duration from {} to {}, e.g. 500ms or 2s", format_duration(k.min), format_duration(k.max));
    case KnobKind::flag: return "true or false";
    case KnobKind::choice: return choice_list(k);
    case KnobKind::fraction:
      return fmt::format("a number from {:g} to {:g}, e.g. 0.8", static_cast<double>(k.min) / 1e6,
                         static_cast<double>(k.max) / 1e6);
  }
  return {};
}

void check_knob_value(const Knob& k, std::string_view label, const KnobValue& v) {
  if (k.kind == KnobKind::names) {
    if (k.text_error == nullptr) return;
    const std::string error = k.text_error(as_name(v));
    if (!error.empty()) throw UsageError(fmt::format("{}: {}", label, error));
    return;
  }
  const std::int64_t n = as_integer(v);
  switch (k.kind) {
    case KnobKind::fraction:
      if (n < k.min || n > k.max) throw UsageError(fmt::format("{}: expected {}", label, accepted_values(k)));
      return;
    case KnobKind::count:
      if (n < k.min || n > k.max || (k.power_of_two && !is_power_of_two(n))) {
        throw UsageError(fmt::format("{}: expected {}, not {}", label, accepted_values(k), n));
      }
      return;
    case KnobKind::duration:
      if (n < k.min) {
        throw UsageError(fmt::format("{}: '{}' is too short; expected at least {}", label, format_duration(n),
                                     format_duration(k.min)));
      }
      if (n > k.max) {
        throw UsageError(fmt::format("{}: '{}' is too long; the limit is {}", label, format_duration(n),
                                     format_duration(k.max)));
      }
      return;
    case KnobKind::flag:
      if (n != 0 && n != 1) throw UsageError(fmt::format("{}: expected true or false", label));
      return;
    case KnobKind::choice:
      if (n < 0 || static_cast<std::size_t>(n) >= k.choices.size()) {
        throw UsageError(fmt::format("{}: expected {}", label, choice_list(k)));
      }
      return;
    case KnobKind::names: return;
  }
}

std::vector<KnobValue> parse_knob_text(const Knob& k, std::string_view label, std::string_view text) {
  std::vector<KnobValue> values;
  switch (k.kind) {
    case KnobKind::names:
      for (std::string& name : parse_name_list(label, text)) values.emplace_back(std::move(name));
      return values;
    case KnobKind::count:
      if (k.sweep) {
        for (std::int64_t v : parse_integer_list(label, text, k.min, k.max)) values.emplace_back(v);
        return values;
      }
      values.emplace_back(parse_whole(k, label, text));
      break;
    case KnobKind::duration: {
      const std::int64_t ns = parse_duration_ns(label, text);
      // The text as given, so "1ms" is refused as "1ms", not as "1000us".
      if (ns < k.min) {
        throw UsageError(fmt::format("{}: '{}' is too short; expected at least {}", label, text, format_duration(k.min)));
      }
      values.emplace_back(ns);
      break;
    }
    case KnobKind::flag:
      if (text == "true") values.emplace_back(std::int64_t{1});
      else if (text == "false") values.emplace_back(std::int64_t{0});
      else throw UsageError(fmt::format("{}: expected true or false, not '{}'", label, text));
      break;
    case KnobKind::choice: {
      // A sweep's choices may be a list ("off,on"), each one run.
      const std::vector<std::string> given =
          k.sweep ? parse_name_list(label, text) : std::vector<std::string>{std::string(text)};
      for (const std::string& one : given) {
        const auto at = std::find(k.choices.begin(), k.choices.end(), one);
        if (at == k.choices.end()) {
          throw UsageError(fmt::format("{}: expected {}{}, not '{}'", label, choice_list(k),
                                       k.sweep ? fmt::format(" (or a list of them, e.g. {},{})", k.choices[0], k.choices[1]) : std::string(), one));
        }
        values.emplace_back(static_cast<std::int64_t>(at - k.choices.begin()));
      }
      return values;
    }
    case KnobKind::fraction: {
      double x = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(x >= 0)) {
        throw UsageError(fmt::format("{}: '{}' is not a number; expected {}", label, text, accepted_values(k)));
      }
      values.emplace_back(static_cast<std::int64_t>(x * 1e6 + 0.5));
      break;
    }
  }
  for (const KnobValue& v : values) check_knob_value(k, label, v);
  return values;
}

std::string knob_text(const Knob& k, const KnobValue& v) {
  switch (k.kind) {
    case KnobKind::duration: return format_duration(as_integer(v));
    case KnobKind::flag: return as_integer(v) != 0 ? "true" : "false";
    default: return plain_text(k, v);
  }
}

std::string knob_list_text(const Knob& k, const std::vector<KnobValue>& values) {
  std::string text;
  for (const KnobValue& v : values) text += (text.empty() ? "" : ",") + knob_text(k, v);
  return text;
}

std::string option_name(const Knob& k) { return fmt::format("--{}", k.name); }

std::string option_flags(const Knob& k) {
  return k.short_flag.empty() ? option_name(k) : fmt::format("{},--{}", k.short_flag, k.name);
}

}  // namespace contend::cli
