#pragma once
// Planted bugs in the coroutine runtime, for the tasks workload's checks
// (workloads/tasks_workload.hpp): coro (primitives/tasks/coro_tasks.hpp) with one decision changed.
//
// broken-coro-cancel-loses-permit  a waiter cancelled after release() granted it a permit, but
//                                  before it resumed, drops the permit (CPython gh-90155): the
//                                  semaphore has one permit fewer each time, until every task
//                                  waits and none is left to wake them (lost wake-up).
// broken-coro-newest-first         waiters are woken newest first: with tasks arriving all the
//                                  time, the oldest waiter is overtaken without bound (bounded
//                                  waiting, against the FIFO contract).
//
// Process-shared: no, as coro. Fairness: none (the second), FIFO (the first).
#include "primitives/tasks/coro_tasks.hpp"

namespace contend {

struct BrokenCoroCancelLosesPermit : BasicCoroTasks<tasks::TaskFlaw::cancel_loses_permit> {
  static constexpr std::string_view kName = "broken-coro-cancel-loses-permit";
  static constexpr std::string_view kDescription = "planted bug: a waiter cancelled after its grant drops the permit";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = false;
};

struct BrokenCoroNewestFirst : BasicCoroTasks<tasks::TaskFlaw::newest_first> {
  static constexpr std::string_view kName = "broken-coro-newest-first";
  static constexpr std::string_view kDescription = "planted bug: the async semaphore wakes its newest waiter first";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = false;
  static constexpr bool kFifo = true;  // it claims FIFO, which the check holds it to
};

}  // namespace contend
