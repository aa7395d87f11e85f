#pragma once
// "Did you mean ...?": the closest of the accepted names to a mistyped one, for unknown
// subcommands, primitives and workloads.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace contend::cli {

// The candidate nearest to `word` by edit distance (insertions, deletions, substitutions and
// swaps of neighbours, case ignored), when it is near enough to be a typo: at most 2 edits, and
// fewer than half the word's length. The first such candidate wins a tie.
std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean 'list'?" or empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'ttas'?)", to follow the mistyped name in a message, or empty.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace contend::cli
