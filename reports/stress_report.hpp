#pragma once
// What `contend stress` prints: per configuration a verdict (pass, violation, starved, hang,
// crashed, error) with the operations checked, fairness and the worst wait; under each configuration
// that did not pass, every check that failed with its first occurrence, and the command that
// reproduces it. The console and Markdown forms say the same in the same words; JSON carries
// every check of every repetition (reports/json.cpp).
#include <string>

#include "workloads/model/result.hpp"

namespace contend {

// "pass", "violation", "starved" (no property broke, but a worker did almost nothing while the
// others progressed: a real finding, typical of spinlocks with more workers than cores), "hang"
// (a timeout reads "hang" too: the run did not end), "crashed", "error", "interrupted".
std::string_view stress_verdict(const ConfigResult& config);

std::string to_stress_table(const Results& results);
std::string to_stress_markdown(const Results& results);

}  // namespace contend
