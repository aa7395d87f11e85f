#pragma once
// The built-in primitives, by family. Adding a primitive is one header and one line here: the
// workloads' registry instantiates its family's workload for every type in these lists.
#include "primitives/locks/nolock.hpp"
#include "primitives/locks/pthread_mutex.hpp"
#include "primitives/locks/std_mutex.hpp"
#include "primitives/locks/ttas_backoff.hpp"
#include "primitives/semaphores/posix_sem.hpp"
#include "primitives/semaphores/std_counting.hpp"
#include "primitives/testing/broken_crash.hpp"
#include "primitives/testing/broken_hang.hpp"

namespace contend {

template <class... Ts>
struct TypeList {};

using BuiltinLocks = TypeList<
    NoLock,
    StdMutex,
    PthreadMutex,
    TtasBackoffLock,
    BrokenHangLock,
    BrokenCrashLock>;

using BuiltinSemaphores = TypeList<
    StdCountingSemaphore,
    PosixSemaphore>;

using BuiltinRwLocks = TypeList<>;

}  // namespace contend
