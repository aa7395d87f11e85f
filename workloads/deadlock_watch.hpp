#pragma once
// The supervisor's deadlock watch: follows the deadlock workload's wait-for board
// (RunControl::deadlock_waiting_for / deadlock_holder, in the repetition's arena) once a
// millisecond, like the stall and wake-up watches. Worker w waits for lock L, held by worker h:
// an edge w -> h. A cycle of such edges that stays the same (the same workers waiting for the
// same locks, in the same waits: BoardWait's number) for the confirmation time is a deadlock:
// every worker in it waits for the next, and none can go on. Two samples of it suffice, however
// far apart: a worker in one unbroken wait holds what it held when the wait began. The
// confirmation (20 ms; with --on-conflict try or timeout 200 ms or twice the timeout; never past
// half of --stall) keeps out the passing cycles of workers that are about to give up and start
// over but were not scheduled to.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/run_control.hpp"

namespace contend {

class DeadlockWatch {
 public:
  DeadlockWatch(const RunSpec& spec, const RunControl& control);

  // One sample. True once a cycle has stood for the confirmation time.
  bool deadlocked(std::int64_t now_ns);
  // "worker 0 waits for lock 3, held by worker 1; worker 1 waits for lock 5, held by worker 0".
  std::string report() const;
  int first_worker() const { return cycle_.empty() ? -1 : cycle_.front().worker; }

 private:
  struct Edge {
    int worker;
    std::int32_t lock;
    std::uint32_t wait_number;  // which of the worker's waits: a new wait on the same lock is another edge
    int holder;
    bool operator==(const Edge&) const = default;
  };
  // A cycle in the board as it reads now, starting from its lowest worker; empty when none.
  std::vector<Edge> find_cycle() const;

  const RunControl& control_;
  const int workers_;
  const std::int64_t confirm_ns_;
  std::vector<Edge> cycle_;   // the cycle seen at the last sample
  std::int64_t since_ns_ = 0;  // when it was first seen
};

}  // namespace contend
