#pragma once
// Binds a closed set of names to an enum option: a bad value fails while parsing, with the
// accepted names in the message, and the enum is stored.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {

template <class E>
using Choices = std::vector<std::pair<std::string, E>>;

template <class E>
Option add_choice(Command& cmd, const std::string& flags, E& target, const Choices<E>& choices,
                  const std::string& description) {
  std::string names;
  std::string current;
  for (const auto& [name, value] : choices) {
    names += (names.empty() ? "" : "|") + name;
    if (value == target) current = name;
  }
  const std::string option = flags.substr(flags.rfind(',') == std::string::npos ? 0 : flags.rfind(',') + 1);
  const auto same = [](const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
  };
  Option opt = cmd.text_option(
      flags,
      [&target, choices, names, option, same](const std::string& text) {
        for (const auto& [name, value] : choices) {
          if (same(name, text)) {
            target = value;
            return;
          }
        }
        throw UsageError(fmt::format("{}: expected one of {}, not '{}'", option, names, text));
      },
      description);
  opt.type_name(names);
  if (!current.empty()) opt.default_text(current);
  return opt;
}

}  // namespace contend::cli
