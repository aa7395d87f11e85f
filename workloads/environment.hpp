#pragma once
// The facts a result carries about where it was measured.
#include "workloads/repetition.hpp"
#include "workloads/model/result.hpp"

namespace contend {

Environment collect_environment(const Calibrations& calibrations);

}  // namespace contend
