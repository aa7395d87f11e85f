#pragma once
// Where workers run: the CPU each worker is pinned to under --pin, from this process's affinity
// mask and the CPU topology in /sys.
#include <vector>

#include "workloads/model/spec.hpp"
#include "workloads/run_control.hpp"

namespace contend {

// The CPU each worker is pinned to under `pin` (-1: not pinned): compact fills a core's hardware
// threads before the next core; spread puts consecutive workers on different cores (and
// packages) first. Workers beyond the CPU count wrap around.
std::vector<int> pin_plan(Pinning pin, int workers);

// Pins the calling thread (or worker process) to `cpu` (-1: leaves it) and records it in the
// worker's slot; what the kernel then used is read back with sched_getcpu.
void pin_current_worker(int cpu, WorkerSlot& slot);

}  // namespace contend
