// `contend compare`'s verdicts, readers and serializers on fixed inputs: the rule of each
// verdict, Holm's correction, Google Benchmark's JSON, and the exact text of the table and the
// Markdown a CI job shows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "reports/compare.hpp"
#include "reports/json.hpp"
#include "tests/fixtures.hpp"

namespace contend {
namespace {

SampleSet set(std::string name, std::vector<double> values) { return {std::move(name), std::move(values), ""}; }

ComparisonInput side(std::string label, std::vector<SampleSet> configs) {
  ComparisonInput in;
  in.label = std::move(label);
  in.format = "contend";
  in.unit = "ops/s";
  in.description = "host, 2026-12-01T00:00:00Z, git abc";
  in.configs = std::move(configs);
  return in;
}

// Ten values around `center`, spread +-1%.
std::vector<double> around(double center) {
  std::vector<double> v;
  for (int i = 0; i < 10; ++i) v.push_back(center * (1.0 + 0.002 * (i - 5)));
  return v;
}

const ConfigComparison& only(const Comparison& c) {
  EXPECT_EQ(c.configs.size(), 1u);
  return c.configs.front();
}

TEST(CompareVerdict, ATenPercentDropWithTenRepetitionsRegresses) {
  const Comparison c = compare(side("a", {set("x", around(100))}), side("b", {set("x", around(90))}), {});
  const ConfigComparison& x = only(c);
  EXPECT_EQ(x.verdict, Verdict::regressed);
  EXPECT_NEAR(*x.change, -0.10, 0.005);
  EXPECT_LT(*x.change_high, -0.05);
  EXPECT_TRUE(c.regressed());
}

TEST(CompareVerdict, ATenPercentGainImproves) {
  const Comparison c = compare(side("a", {set("x", around(100))}), side("b", {set("x", around(110))}), {});
  EXPECT_EQ(only(c).verdict, Verdict::improved);
  EXPECT_FALSE(c.regressed());
}

TEST(CompareVerdict, LowerIsBetterForLatency) {
  CompareSettings s;
  s.metric = CompareMetric::p99;
  EXPECT_EQ(only(compare(side("a", {set("x", around(100))}), side("b", {set("x", around(110))}), s)).verdict,
            Verdict::regressed);
  EXPECT_EQ(only(compare(side("a", {set("x", around(100))}), side("b", {set("x", around(90))}), s)).verdict,
            Verdict::improved);
}

TEST(CompareVerdict, ASignificantChangeSmallerThanTheThresholdIsUnchanged) {
  // 2% slower, clearly (p tiny), but the interval lies within +-5%.
  const ConfigComparison x = only(compare(side("a", {set("x", around(100))}), side("b", {set("x", around(98))}), {}));
  EXPECT_LT(*x.p_adjusted, 0.01);
  EXPECT_EQ(x.verdict, Verdict::unchanged);
}

TEST(CompareVerdict, FiveRepetitionsCannotPassAlphaOverManyConfigurations) {
  // Complete separation of 5 + 5 gives p = 0.0079; over 3 configurations Holm needs < 0.0033.
  std::vector<SampleSet> base;
  std::vector<SampleSet> next;
  for (const char* name : {"x", "y", "z"}) {
    base.push_back(set(name, {100, 101, 102, 103, 104}));
    next.push_back(set(name, {80, 81, 82, 83, 84}));
  }
  const Comparison c = compare(side("a", base), side("b", next), {});
  EXPECT_EQ(c.tested, 3u);
  for (const ConfigComparison& x : c.configs) {
    EXPECT_EQ(x.verdict, Verdict::noisy);
    EXPECT_EQ(x.reason, "too few repetitions: 5 and 5 cannot reach p < 0.01 over 3 configurations (6 each needed)");
  }
  EXPECT_FALSE(c.regressed());
}

TEST(CompareVerdict, HolmAdjustsTheSmallestPByTheFamilySize) {
  const Comparison c = compare(side("a", {set("x", around(100)), set("y", around(100))}),
                               side("b", {set("x", around(90)), set("y", around(100))}), {});
  ASSERT_EQ(c.configs.size(), 2u);
  EXPECT_NEAR(*c.configs[0].p_adjusted, 2 * *c.configs[0].p_value, 1e-15);
  EXPECT_EQ(c.configs[0].verdict, Verdict::regressed);
  EXPECT_EQ(c.configs[1].verdict, Verdict::unchanged);
}

TEST(CompareVerdict, WideSpreadIsNoisyAndSaysSo) {
  const ConfigComparison x =
      only(compare(side("a", {set("x", {100, 60, 140, 90, 110, 70})}), side("b", {set("x", {95, 130, 65, 100, 120, 80})}), {}));
  EXPECT_EQ(x.verdict, Verdict::noisy);
  EXPECT_EQ(x.reason.rfind("spread too wide: the interval ", 0), 0u) << x.reason;
}

TEST(CompareVerdict, ThreeRepetitionsHaveNoInterval) {
  const ConfigComparison x = only(compare(side("a", {set("x", {1, 2, 3})}), side("b", {set("x", {4, 5, 6})}), {}));
  EXPECT_EQ(x.verdict, Verdict::noisy);
  EXPECT_EQ(x.reason, "too few repetitions for a 95% interval (3 and 3; at least 4 each)");
}

TEST(CompareVerdict, MissingSidesAreNamed) {
  SampleSet crashed = set("z", {});
  crashed.not_measured = "crashed: SIGSEGV";
  crashed.failed = true;
  const Comparison c =
      compare(side("a", {set("x", around(1)), set("z", around(1))}), side("b", {set("y", around(1)), crashed}), {});
  ASSERT_EQ(c.configs.size(), 3u);
  EXPECT_EQ(c.configs[0].name, "x");
  EXPECT_EQ(c.configs[0].reason, "only in base");
  EXPECT_EQ(c.configs[1].reason, "new: crashed: SIGSEGV");
  EXPECT_EQ(c.configs[2].name, "y");
  EXPECT_EQ(c.configs[2].reason, "only in new");
  for (const ConfigComparison& x : c.configs) EXPECT_EQ(x.verdict, Verdict::missing);
  EXPECT_EQ(c.tested, 0u);
  EXPECT_EQ(c.failed_in_new, 1u);  // the crash fails the gate (exit 1); absence alone does not
}

// The gate: what it decides from the verdicts, and that it never passes having judged too little.
TEST(CompareGate, NothingInBothFilesIsInconclusiveEvenWithEveryAllowance) {
  CompareSettings lenient;
  lenient.allow_missing = true;
  lenient.allow_noisy = true;
  const Comparison c =
      compare(side("a", {set("x", around(100)), set("y", around(100))}), side("b", {set("z", around(100))}), lenient);
  EXPECT_EQ(c.gate.decision, GateDecision::inconclusive);
  EXPECT_EQ(c.gate.reason, "nothing was judged: no configuration is in both files (2 only in base, 1 only in new)");
  EXPECT_EQ(gate_exit_code(c.gate.decision), 4);
}

TEST(CompareGate, AConfigurationMissingFromNewIsInconclusiveUnlessAllowed) {
  const ComparisonInput base = side("a", {set("x", around(100)), set("y", around(100))});
  const ComparisonInput current = side("b", {set("x", around(100))});
  const Comparison strict = compare(base, current, {});
  EXPECT_EQ(strict.gate.decision, GateDecision::inconclusive);
  EXPECT_EQ(strict.gate.reason,
            "1 of 2 configurations could not be judged (missing from new, or not measured on a side); "
            "--allow-missing passes without them");
  CompareSettings allow;
  allow.allow_missing = true;
  const Comparison lenient = compare(base, current, allow);
  EXPECT_EQ(lenient.gate.decision, GateDecision::pass);
  EXPECT_EQ(lenient.gate.reason, "1 of 2 judged, none regressed; 1 not judged and allowed");
  // What only new has is new, not missing from it.
  EXPECT_EQ(compare(current, base, {}).gate.decision, GateDecision::pass);
}

TEST(CompareGate, AnIncompleteNewIsInconclusiveUnlessAllowed) {
  ComparisonInput current = side("b", {set("x", around(100))});
  current.complete = false;
  const Comparison c = compare(side("a", {set("x", around(100))}), current, {});
  EXPECT_EQ(c.gate.decision, GateDecision::inconclusive);
  EXPECT_EQ(c.gate.reason, "new is incomplete (its run was interrupted); --allow-missing judges what it has");
  CompareSettings allow;
  allow.allow_missing = true;
  EXPECT_EQ(compare(side("a", {set("x", around(100))}), current, allow).gate.decision, GateDecision::pass);
}

TEST(CompareGate, TooFewRepetitionsAreInconclusiveEvenForALargeDrop) {
  // Three a side and a third slower: no interval, so noisy, and the gate cannot pass.
  const Comparison c = compare(side("a", {set("x", {100, 101, 99})}), side("b", {set("x", {67, 68, 66})}), {});
  EXPECT_EQ(only(c).verdict, Verdict::noisy);
  EXPECT_EQ(c.gate.decision, GateDecision::inconclusive);
  EXPECT_EQ(c.gate.reason, "nothing was judged: of 1 configuration, 1 noisy and 0 missing");
  const Comparison two = compare(side("a", {set("x", {100, 101, 99}), set("y", around(100))}),
                                 side("b", {set("x", {67, 68, 66}), set("y", around(100))}), {});
  EXPECT_EQ(two.gate.decision, GateDecision::inconclusive);
  EXPECT_EQ(two.gate.reason,
            "1 of 2 configurations noisy (each with its reason); more repetitions, or --allow-noisy passes without them");
  CompareSettings allow;
  allow.allow_noisy = true;
  EXPECT_EQ(compare(side("a", {set("x", {100, 101, 99}), set("y", around(100))}),
                    side("b", {set("x", {67, 68, 66}), set("y", around(100))}), allow)
                .gate.decision,
            GateDecision::pass);
}

TEST(CompareGate, ARegressionOutranksAFailureWhichOutranksMissing) {
  SampleSet crashed = set("y", {});
  crashed.failed = true;
  crashed.not_measured = "crashed: SIGSEGV";
  const Comparison both = compare(side("a", {set("x", around(100)), set("y", around(100)), set("z", around(100))}),
                                  side("b", {set("x", around(80)), crashed}), {});
  EXPECT_EQ(both.gate.decision, GateDecision::regressed);
  EXPECT_EQ(gate_exit_code(both.gate.decision), 3);
  const Comparison failed = compare(side("a", {set("x", around(100)), set("y", around(100)), set("z", around(100))}),
                                    side("b", {set("x", around(100)), crashed}), {});
  EXPECT_EQ(failed.gate.decision, GateDecision::failed);
  EXPECT_EQ(gate_exit_code(failed.gate.decision), 1);
  EXPECT_EQ(failed.gate.reason, "1 configuration failed in new (crash, hang, timeout or violation; see missing)");
}

TEST(CompareGate, RepetitionsNeededGrowWithTheConfigurations) {
  EXPECT_EQ(repetitions_needed(0.01, 1), 5u);    // 2/252 = 0.0079
  EXPECT_EQ(repetitions_needed(0.05, 1), 4u);    // the interval's own floor
  EXPECT_EQ(repetitions_needed(0.01, 21), 8u);   // 2/12870 x 21 = 0.0033; 7: 2/3432 x 21 = 0.012
}

TEST(CompareInput, AGoogleBenchmarkErrorInAnyRepetitionIsReportedNotJudged) {
  const std::string text = R"({"context": {}, "benchmarks": [
      {"name": "BM_a", "run_name": "BM_a", "run_type": "iteration", "iterations": 10, "real_time": 1.0,
       "cpu_time": 1.0, "time_unit": "us"},
      {"name": "BM_a", "run_name": "BM_a", "run_type": "iteration", "error_occurred": true,
       "error_message": "lost an update"},
      {"name": "BM_a", "run_name": "BM_a", "run_type": "iteration", "iterations": 10, "real_time": 1.0,
       "cpu_time": 1.0, "time_unit": "us"}
    ]})";
  const ComparisonInput in = comparison_input_from_json(text, CompareMetric::throughput, "g.json");
  ASSERT_EQ(in.configs.size(), 1u);
  EXPECT_TRUE(in.configs[0].values.empty());
  EXPECT_TRUE(in.configs[0].failed);
  EXPECT_EQ(in.configs[0].not_measured, "error: lost an update");
}

Comparison fixed_comparison() {
  return compare(side("base.json", {set("lock/ttas/threads/workers:1", around(50e6)),
                                    set("lock/ttas/threads/workers:2", around(20e6)),
                                    set("lock/mcs/threads/workers:2", {1e6, 2e6, 3e6, 4e6})}),
                 side("new.json", {set("lock/ttas/threads/workers:1", around(45e6)),
                                   set("lock/ttas/threads/workers:2", around(20.1e6))}),
                 {});
}

TEST(CompareOutput, TableIsExact) {
  EXPECT_EQ(to_compare_table(fixed_comparison()),
            "compare throughput (ops/s, higher is better)\n"
            "base: base.json (contend, host, 2026-12-01T00:00:00Z, git abc)\n"
            "new : new.json (contend, host, 2026-12-01T00:00:00Z, git abc)\n"
            "\n"
            "configuration                 base    new  change     95% interval  p (Holm)  verdict\n"
            "lock/ttas/threads/workers:1  50.0M  45.0M  -10.0%  -10.5% .. -9.5%   <0.0001  regressed\n"
            "lock/ttas/threads/workers:2  20.0M  20.1M   +0.5%   -0.1% .. +1.1%    0.1051  unchanged\n"
            "lock/mcs/threads/workers:2       —      —       —                —         —  missing\n"
            "\n"
            "missing lock/mcs/threads/workers:2: only in base\n"
            "\n"
            "regressed/improved: Holm-adjusted Mann-Whitney p < 0.01 over 2 configurations and the whole 95% "
            "interval of the change past 5%; unchanged: the interval within +-5%.\n"
            "1 regressed, 0 improved, 1 unchanged, 0 noisy, 1 missing.\n"
            "gate: regressed (exit 3): 1 of 2 judged configurations regressed: lock/ttas/threads/workers:1 "
            "(-10.0%).\n");
}

TEST(CompareOutput, MarkdownIsExact) {
  EXPECT_EQ(to_compare_markdown(fixed_comparison()),
            "### contend compare: throughput (ops/s, higher is better)\n"
            "\n"
            "**gate: regressed (exit 3): 1 of 2 judged configurations regressed: lock/ttas/threads/workers:1 "
            "(-10.0%).** 1 regressed, 0 improved, 1 unchanged, 0 noisy, 1 missing.\n"
            "\n"
            "- base: base.json (contend, host, 2026-12-01T00:00:00Z, git abc)\n"
            "- new: new.json (contend, host, 2026-12-01T00:00:00Z, git abc)\n"
            "\n"
            "| configuration | base | new | change | 95% interval | p (Holm) | verdict |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
            "| `lock/ttas/threads/workers:1` | 50.0M | 45.0M | -10.0% | -10.5% .. -9.5% | <0.0001 | **regressed** |\n"
            "| `lock/ttas/threads/workers:2` | 20.0M | 20.1M | +0.5% | -0.1% .. +1.1% | 0.1051 | unchanged |\n"
            "| `lock/mcs/threads/workers:2` | — | — | — | — | — | missing |\n"
            "\n"
            "- missing `lock/mcs/threads/workers:2`: only in base\n"
            "\n"
            "regressed/improved: Holm-adjusted Mann-Whitney p < 0.01 over 2 configurations and the whole 95% "
            "interval of the change past 5%; unchanged: the interval within +-5%.\n"
            "\n"
            "**gate: regressed (exit 3): 1 of 2 judged configurations regressed: lock/ttas/threads/workers:1 "
            "(-10.0%).**\n");
}

TEST(CompareOutput, JsonReadsBackAsTheSameVerdicts) {
  const Comparison written = fixed_comparison();
  const std::optional<Comparison> read = comparison_from_json(to_compare_json(written));
  ASSERT_TRUE(read);
  EXPECT_EQ(to_compare_table(*read), to_compare_table(written));
  EXPECT_EQ(read->gate.decision, GateDecision::regressed);
  EXPECT_FALSE(comparison_from_json(R"({"benchmarks": []})"));
  EXPECT_FALSE(comparison_from_json("not json"));
  EXPECT_THROW(comparison_from_json(R"({"gate": {}, "configs": [], "metric": "speed"})"), std::runtime_error);
}

TEST(CompareOutput, JsonHasVerdictsAndNullsForMissingFigures) {
  const auto j = nlohmann::json::parse(to_compare_json(fixed_comparison()));
  EXPECT_EQ(j["metric"], "throughput");
  EXPECT_EQ(j["correction"], "holm");
  EXPECT_EQ(j["tested"], 2);
  EXPECT_EQ(j["regressed"], true);
  EXPECT_EQ(j["gate"]["decision"], "regressed");
  EXPECT_EQ(j["gate"]["exit_code"], 3);
  EXPECT_EQ(j["new_complete"], true);
  EXPECT_EQ(j["counts"]["regressed"], 1);
  ASSERT_EQ(j["configs"].size(), 3u);
  EXPECT_EQ(j["configs"][0]["verdict"], "regressed");
  EXPECT_EQ(j["configs"][0]["base"]["n"], 10);
  EXPECT_TRUE(j["configs"][2]["change"].is_null());
  EXPECT_TRUE(j["configs"][2]["new"].is_null());
}

TEST(CompareInput, ReadsGoogleBenchmarkIterationsByRunName) {
  const char* text = R"({
    "context": {"date": "2026-12-01T10:00:00+00:00", "host_name": "ci", "num_cpus": 2},
    "benchmarks": [
      {"name": "BM_lock/threads:2", "run_name": "BM_lock/threads:2", "run_type": "iteration", "repetitions": 2,
       "repetition_index": 0, "threads": 2, "iterations": 1000, "real_time": 20.0, "cpu_time": 40.0, "time_unit": "ns",
       "items_per_second": 5.0e7},
      {"name": "BM_lock/threads:2", "run_name": "BM_lock/threads:2", "run_type": "iteration", "repetitions": 2,
       "repetition_index": 1, "threads": 2, "iterations": 1000, "real_time": 25.0, "cpu_time": 50.0, "time_unit": "ns",
       "items_per_second": 4.0e7},
      {"name": "BM_lock/threads:2_mean", "run_name": "BM_lock/threads:2", "run_type": "aggregate",
       "aggregate_name": "mean", "real_time": 22.5, "cpu_time": 45.0, "time_unit": "ns"},
      {"name": "BM_agg_only_mean", "run_name": "BM_agg_only", "run_type": "aggregate", "aggregate_name": "mean",
       "real_time": 1.0, "cpu_time": 1.0, "time_unit": "us"},
      {"name": "BM_slow", "run_name": "BM_slow", "run_type": "iteration", "iterations": 10, "real_time": 2.0,
       "cpu_time": 1.5, "time_unit": "us"}
    ]})";
  const ComparisonInput t = comparison_input_from_json(text, CompareMetric::throughput, "g.json");
  EXPECT_EQ(t.format, "Google Benchmark");
  ASSERT_EQ(t.configs.size(), 3u);
  EXPECT_EQ(t.configs[0].name, "BM_lock/threads:2");
  EXPECT_EQ(t.configs[0].values, (std::vector<double>{5.0e7, 4.0e7}));
  EXPECT_TRUE(t.configs[1].values.empty());
  EXPECT_NE(t.configs[1].not_measured.find("only aggregates"), std::string::npos);
  ASSERT_EQ(t.configs[2].values.size(), 1u);
  EXPECT_DOUBLE_EQ(t.configs[2].values[0], 500000.0);  // no items_per_second: iterations per second

  const ComparisonInput cpu = comparison_input_from_json(text, CompareMetric::cpu_per_op, "g.json");
  EXPECT_EQ(cpu.configs[0].values, (std::vector<double>{40.0, 50.0}));
  EXPECT_DOUBLE_EQ(cpu.configs[2].values[0], 1500.0);  // 1.5 us in ns
  EXPECT_THROW(comparison_input_from_json(text, CompareMetric::p99, "g.json"), std::runtime_error);
}

TEST(CompareInput, ReadsContendResultsThroughTheResultsModel) {
  const Results results = testing::fixture_results();
  const ComparisonInput in = comparison_input_from_json(to_json(results), CompareMetric::throughput, "r.json");
  EXPECT_EQ(in.format, "contend");
  ASSERT_EQ(in.configs.size(), results.configs.size());
  for (std::size_t i = 0; i < in.configs.size(); ++i) {
    EXPECT_EQ(in.configs[i].name, results.configs[i].name());
    // A configuration that crashed in any repetition is not judged on the survivors.
    const Status status = results.configs[i].status();
    if (status == Status::ok || status == Status::violation) {
      EXPECT_EQ(in.configs[i].values, metric_values(results.configs[i], Metric::throughput));
      EXPECT_EQ(in.configs[i].not_measured, "");
    } else {
      EXPECT_TRUE(in.configs[i].values.empty());
      EXPECT_EQ(in.configs[i].not_measured, results.configs[i].status_text());
    }
  }
}

TEST(CompareInput, RejectsWhatIsNotAResultsFile) {
  auto message = [](const char* text) {
    try {
      comparison_input_from_json(text, CompareMetric::throughput, "x");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message("[1, 2]"), "not a contend or Google Benchmark results file: not a JSON object");
  EXPECT_EQ(message(R"({"name": "package.json"})"),
            "not a contend or Google Benchmark results file: it has neither a \"contend\" section nor a "
            "\"benchmarks\" array");
  EXPECT_EQ(message("name = 'toml'").rfind("line 1, column 2: not JSON: syntax error", 0), 0u) << message("name = 'toml'");
}

}  // namespace
}  // namespace contend
