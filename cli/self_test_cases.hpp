#pragma once
// `contend stress --self-test`'s cases: each planted bug (broken-*) with the verdict and the
// checks that must catch it, and correct primitives beside them that must pass. A table of its
// own, read by cli/stress.cpp's run_self_test.
#include <cstdint>
#include <string>
#include <vector>

#include "primitives/sanitizers.hpp"  // CONTEND_THREAD_SANITIZER, for sanitized_build()
#include "workloads/model/check_names.hpp"
#include "workloads/model/result.hpp"
#include "workloads/model/spec.hpp"

namespace contend::cli {

// A planted bug (or a correct primitive) and what stress must say of it.
struct SelfTestCase {
  RunSpec spec;
  Status expected;
  std::vector<CheckId> must_fail;  // checks that must report a violation (empty: none may)
  bool any_of = false;             // one of must_fail is enough (which one sees it first is luck)
  // Caught only when the workers run at the speed of a plain build: left out under a sanitizer.
  bool timing_sensitive = false;
  // Caught through --perturb's single-stepping after a landing (workloads/preemption.hpp): left
  // out where it is not available (ThreadSanitizer, which reports the race itself, and not x86-64).
  bool needs_stepping = false;
};

// True in a build with AddressSanitizer or ThreadSanitizer, whose instrumentation changes how
// often a barging lock wins against its queue (CI saw broken-fifo-barging pass 3 repetitions).
constexpr bool sanitized_build() {
#if defined(__SANITIZE_ADDRESS__) || defined(CONTEND_THREAD_SANITIZER)
  return true;
#else
  return false;
#endif
}

// The cases of the built-in primitives, at `seed`.
std::vector<SelfTestCase> self_test_cases(std::uint64_t seed);
// The backend primitives' cases, against the Redis at `redis` (built whether or not one answers,
// so that a skip can say how many).
std::vector<SelfTestCase> redis_self_test_cases(std::uint64_t seed, const std::string& redis);
// The same for the primitives kept in PostgreSQL, against the server at `conninfo`.
std::vector<SelfTestCase> postgres_self_test_cases(std::uint64_t seed, const std::string& conninfo);
// The same for the queue kept in RabbitMQ, against the broker at `url`.
std::vector<SelfTestCase> rabbitmq_self_test_cases(std::uint64_t seed, const std::string& url);

}  // namespace contend::cli
