// `contend run <workload>`: measure primitives and report throughput, latency, fairness and
// CPU cost.
#include <fmt/format.h>

#include <iostream>

#include "cli/baselines.hpp"
#include "cli/commands.hpp"
#include "cli/plugins.hpp"
#include "cli/execute.hpp"

namespace contend::cli {

void setup_run(Command& app, RunOptions& o) {
  Command cmd = app.subcommand("run", "Measure locks, semaphores, reader-writer locks, handoffs (pingpong), queues, TTL leases, keyed limiters, "
                               "multi-lock operations or job tables");
  add_workload_option(cmd, [&o](Workload w) { o.workload = w; }, workload_help()).required();
  add_run_options(cmd, o);
  cmd.option("--save-baseline", o.save_baseline,
             "Also keep the results as baseline NAME (./contend-baselines/NAME, or under $CONTEND_BASELINE_DIR), "
             "for 'contend compare --baseline NAME'")
      .type_name("NAME");
  cmd.footer(
      "Every repetition of every configuration runs in its own child process under a watchdog:\n"
      "a hang or a crash becomes that configuration's status and the rest goes on.\n"
      "Exit code: 0 every configuration ok; 1 one failed (timeout, hang, crash, violation, error);\n"
      "2 bad input (nothing runs); 130 interrupted (what was measured is written, marked incomplete).\n\n"
      "Examples:\n"
      "  contend run lock                                  # all locks, 1,2,4 threads, 5 x 500ms\n"
      "  contend run lock -p std-mutex,ttas-backoff -w 1,2,4,8 --cs-ns 100 --outside-ns 200\n"
      "  contend run lock -p pthread-mutex --mode both -o results/\n"
      "  contend run semaphore -p posix-sem --permits 2 -w 4 --format json\n"
      "  contend run rw --read-percent 95 -w 4 --cs-ns 200\n"
      "  contend run pingpong -p all --mode both -w 2,4    # round trips between pairs of workers\n"
      "  contend run queue -p ring,moodycamel --producers 1,4 --consumers 1,4 --wait yield\n"
      "  contend run queue -p ring --rate 100000,1000000   # open loop: latency against offered load\n"
      "  contend run pairs -p all -w 1,2,4 --outside-ns 50  # every worker pushes, then pops\n"
      "  contend run lock -p std-mutex -w 1 --sample 0 --ops 10000000\n"
      "  contend run lock --plugin ./libmylock.so -p my-lock,ttas  # a lock of your own (see README)");
}

int run_run(const RunOptions& o) {
  const Registry registry = registry_with_plugins(o.plugins);
  return execute_and_report(build_run_plan(o, registry), registry, output_dirs(o.out_dir, o.save_baseline), o.format,
                            o.command_line);
}

}  // namespace contend::cli
