#pragma once
// The facts a result carries about where it was measured.
#include "workloads/repetition.hpp"
#include "workloads/model/result.hpp"

namespace contend {

Environment collect_environment(const Calibrations& calibrations);
// Records how busy the machine was when the run ended (Environment::load_average_end,
// runnable_others_end). Called once every repetition has finished, so no worker of ours runs.
void record_end_load(Environment& env);

}  // namespace contend
