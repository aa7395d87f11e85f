// Unit tests of the serializers on the deterministic fixture (tests/fixtures.hpp). The expected
// texts below are the specification of each format: read them when changing one. Over 450 lines
// because those texts (a CSV row of 115 columns among them) are spelled out whole, and each
// format's tests sit beside its text.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/csv.hpp"
#include "reports/hgrm.hpp"
#include "reports/json.hpp"
#include "reports/markdown.hpp"
#include "reports/output_files.hpp"
#include "reports/table.hpp"
#include "tests/fixtures.hpp"

namespace contend {
namespace {

using Json = nlohmann::json;

::testing::AssertionResult Contains(std::string_view text, std::string_view part) {
  if (text.find(part) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not found in:\n" << text;
}

// ---------------------------------------------------------------------------------------------
// CSV

constexpr std::string_view kExpectedCsv =
    R"txt(name,workload,primitive,mode,workers,repetition,status,status_detail,operations,elapsed_s,throughput_ops_per_s,ns_per_op,latency_samples,latency_p50_ns,latency_p90_ns,latency_p99_ns,latency_p99_9_ns,latency_p99_99_ns,latency_max_ns,jain_fairness,worker_ops_min,worker_ops_max,cpu_user_s,cpu_system_s,cpu_s_per_million_ops,voluntary_switches,involuntary_switches,lost_updates,checked_updates,duration_s,operations_target,warmup_s,cs_ns,outside_ns,outside_scales,cs_lines,permits,pin,sample_every,seed,clock_source,read_percent,write_operations,write_latency_samples,write_latency_p50_ns,write_latency_p99_ns,write_latency_p99_9_ns,write_latency_max_ns,producers,consumers,capacity,wait,consume_ns,rate,produced_items,failed_pushes,failed_pops,producer_jain_fairness,failed_attempts,reordered_items,overtakes_p99_9,overtakes_max,overlaps,stale_writes_accepted,stale_writes_rejected,wait_timeouts,late_releases,refusals,admitted,rejected,restarts,timeouts,time_lost_ns,inversions,duplicates,late_completions,conflicts,empty_claims,cancellations,serialization_failures,deadlocks_detected,locks_not_available,increments_lost,redelivered,publishes_refused,dead_rows_kept,ttl_s,wait_timeout_s,retry_interval_s,hold,fencing,renew,keys,zipf,per_key,on_busy,locks,take,order,on_conflict,jobs,claim,batch,lease_s,long_transaction,rows,level,update,lock_timeout_s,prefetch,autoack,confirm,persistent,pattern,cancel
lock/std-mutex/threads/workers:2,lock,std-mutex,threads,2,0,ok,,10000000,1,10000000,200,1000,100,250,1000,20000,20000,20000,0.9615384615384616,4000000,6000000,1.5,0.5,0.2,30,3,0,0,1,,0.1,0,0,false,1,,none,1,1,tsc,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,
lock/std-mutex/threads/workers:2,lock,std-mutex,threads,2,1,ok,,10000000,1.25,8000000,250,1000,110,300,1500,30000,30000,30000,1,5000000,5000000,1.5,0.5,0.2,30,3,0,0,1,,0.1,0,0,false,1,,none,1,1,tsc,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,
lock/std-mutex/threads/workers:2,lock,std-mutex,threads,2,2,ok,,10000000,1,10000000,200,1000,100,250,1000,20000,20000,20000,0.9900990099009901,4500000,5500000,1.5,0.5,0.2,30,3,0,0,1,,0.1,0,0,false,1,,none,1,1,tsc,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,
lock/broken-crash/processes/workers:2/cs:100ns,lock,broken-crash,processes,2,0,ok,,4000000,2,2000000,1000,4,500,4000,4000,4000,4000,4000,0.8,1000000,3000000,3,1,1,30,3,0,0,1,,0.1,100,0,false,1,,none,1,1,tsc,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,
lock/broken-crash/processes/workers:2/cs:100ns,lock,broken-crash,processes,2,1,crashed,SIGSEGV,,,,,,,,,,,,,,,,,,,,,,1,,0.1,100,0,false,1,,none,1,1,tsc,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,
lock/broken-crash/processes/workers:2/cs:100ns,lock,broken-crash,processes,2,2,violation,"lost 12 of 4000 updates (counter ""3988"", expected ""4000"")",4000000,2.5,1600000,1250,4,600,600,600,600,600,600,1,2000000,2000000,3,1,1,30,3,12,4000,1,,0.1,100,0,false,1,,none,1,1,tsc,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,
semaphore/posix-sem/threads/workers:4/permits:2/pin:compact,semaphore,posix-sem,threads,4,0,ok,,4000000,0.5,8000000,500,0,,,,,,,1,1000000,1000000,1,0.5,0.375,100,10,0,0,0.5,,0.1,0,0,false,,2,compact,0,42,tsc,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,
semaphore/posix-sem/threads/workers:4/permits:2/pin:compact,semaphore,posix-sem,threads,4,1,ok,,3500000,0.5,7000000,571.4285714285714,0,,,,,,,0.9423076923076923,500000,1000000,1,0.5,0.42857142857142855,100,10,0,0,0.5,,0.1,0,0,false,,2,compact,0,42,tsc,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,
lock/broken-hang/threads/workers:1,lock,broken-hang,threads,1,0,timeout,after 2 s,,,,,,,,,,,,,,,,,,,,,,,1000,0.1,0,0,false,1,,none,1,1,tsc,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,0,,,,,,,,,,,,,,,,,,,,,,,,,,
)txt";

// A minimal RFC 4180 reader, to check the CSV the way a spreadsheet or pandas sees it.
std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(row.empty() && field.empty()) << "last line has no line end";
  return rows;
}

TEST(Csv, ExactText) { EXPECT_EQ(to_csv(testing::fixture_results()), kExpectedCsv); }

TEST(Csv, EveryRowHasTheHeadersFieldCount) {
  const auto rows = parse_csv(to_csv(testing::fixture_results()));
  ASSERT_EQ(rows.size(), 1u + 9u);  // header + 3 + 3 + 2 + 1 repetitions
  EXPECT_EQ(rows[0].size(), 115u);
  for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
}

TEST(Csv, QuotedFieldReadsBackWhole) {
  const auto rows = parse_csv(to_csv(testing::fixture_results()));
  const auto& header = rows[0];
  const auto column = [&header](std::string_view name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const auto& violation = rows[6];
  EXPECT_EQ(violation[column("status")], "violation");
  EXPECT_EQ(violation[column("status_detail")],
            "lost 12 of 4000 updates (counter \"3988\", expected \"4000\")");
  EXPECT_EQ(violation[column("lost_updates")], "12");
  EXPECT_EQ(violation[column("checked_updates")], "4000");
}

TEST(Csv, NotMeasuredAndNotApplicableAreEmpty) {
  const auto rows = parse_csv(to_csv(testing::fixture_results()));
  const auto& header = rows[0];
  const auto column = [&header](std::string_view name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const auto& crashed = rows[5];
  for (std::string_view name :
       {"operations", "elapsed_s", "throughput_ops_per_s", "ns_per_op", "latency_p50_ns",
        "latency_max_ns", "jain_fairness", "cpu_user_s", "lost_updates", "checked_updates"}) {
    EXPECT_EQ(crashed[column(name)], "") << name;
  }
  const auto& unsampled = rows[7];
  EXPECT_EQ(unsampled[column("latency_samples")], "0");
  EXPECT_EQ(unsampled[column("latency_p99_ns")], "");
  EXPECT_EQ(unsampled[column("cs_lines")], "");  // semaphore: no critical-section lines
  EXPECT_EQ(rows[1][column("permits")], "");     // lock: no permits
  EXPECT_EQ(rows[9][column("duration_s")], "");  // bounded by operations
  EXPECT_EQ(rows[9][column("operations_target")], "1000");
}

// ---------------------------------------------------------------------------------------------
// Console table and Markdown

constexpr std::string_view kExpectedTable =
    R"txt(workload   primitive     mode       workers  cs-ns  pin      Mops/s    ±CV  ns/op    p50    p99  p99.9    max   Jain  CPU s/Mop  status
----------------------------------------------------------------------------------------------------------------------------------------
lock       std-mutex     threads          2    0ns  none       10.0 ±12.4%    200  100ns  1.0µs   20µs   20µs  0.990      0.200  ok
lock       broken-crash  processes        2  100ns  none       1.80 ±15.7%   1111  550ns  2.3µs  2.3µs  2.3µs  0.900       1.00  crashed
semaphore  posix-sem     threads          4    0ns  compact    7.50  ±9.4%    533      —      —      —      —  0.971      0.402  ok
lock       broken-hang   threads          1    0ns  none          —      —      —      —      —      —      —      —          —  timeout

lock/broken-crash/processes/workers:2/cs:100ns: repetition 1 crashed: SIGSEGV; repetition 2 violation: lost 12 of 4000 updates (counter "3988", expected "4000"); figures from 2 of 3 repetitions
lock/broken-hang/threads/workers:1: timeout: after 2 s
lock/std-mutex/threads/workers:2: noisy: throughput varies by ±12.4% (CV) between repetitions, above 10%
lock/std-mutex/threads/workers:2: 1 of 3 repetitions is a statistical outlier (modified z-score above 14.826, and over 5% from the median); a quieter machine or more repetitions would help
lock/broken-crash/processes/workers:2/cs:100ns: noisy: throughput varies by ±15.7% (CV) between repetitions, above 10%

Medians over measured repetitions; ±CV: throughput's coefficient of variation; Jain: fairness of workers' shares (1.000 = equal).
clock: tsc at 3.20 GHz, 11.5 ns per read, resolution 0.312 ns; repetitions: 1 to 3 per configuration
)txt";

TEST(Table, ExactText) { EXPECT_EQ(to_table(testing::fixture_results()), kExpectedTable); }

TEST(Table, FitsIn120ColumnsWhenNoSettingVaries) {
  // Each setting that varies adds its column (Table.ASettingThatVariesHasAColumn); without them
  // the table fits a 120-column terminal.
  Results results = testing::fixture_results();
  for (ConfigResult& c : results.configs) {
    c.spec.cs_ns = 0;
    c.spec.pin = Pinning::none;
  }
  ASSERT_TRUE(varying_knobs(results).empty());
  std::istringstream lines(to_table(results));
  std::string line;
  // Only the rows and the rule: notes are prose and may wrap.
  for (int i = 0; i < 6 && std::getline(lines, line); ++i) {
    std::size_t columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    EXPECT_LE(columns, 120u) << line;
  }
}

TEST(Table, ASettingThatVariesHasAColumn) {
  // The fixture's configurations differ in cs-ns (0 and 100 ns) and pinning: both get a column,
  // and a semaphore's permits, the same in its one row, do not.
  EXPECT_EQ(varying_knobs(testing::fixture_results()), (std::vector<KnobId>{KnobId::cs_ns, KnobId::pin}));
  const std::string table = to_table(testing::fixture_results());
  EXPECT_EQ(table.rfind("workload   primitive     mode       workers  cs-ns  pin      Mops/s", 0), 0u) << table;
}

TEST(Table, InterruptedRunSaysSoAndListsWhatHasData) {
  Results results = testing::fixture_results();
  results.complete = false;
  EXPECT_TRUE(Contains(to_table(results),
                       "\n\nInterrupted: the run stopped early; 3 configurations have data:\n"
                       "  lock/std-mutex/threads/workers:2\n"
                       "  lock/broken-crash/processes/workers:2/cs:100ns\n"
                       "  semaphore/posix-sem/threads/workers:4/permits:2/pin:compact\n\n"));
  EXPECT_FALSE(Contains(to_table(testing::fixture_results()), "Interrupted"));
}

TEST(Table, LatencyUnits) {
  EXPECT_EQ(format_latency_ns(42), "42ns");
  EXPECT_EQ(format_latency_ns(999), "999ns");
  EXPECT_EQ(format_latency_ns(1000), "1.0µs");
  EXPECT_EQ(format_latency_ns(1300), "1.3µs");
  EXPECT_EQ(format_latency_ns(12'345), "12µs");
  EXPECT_EQ(format_latency_ns(999'700), "1.0ms");  // not "1000µs"
  EXPECT_EQ(format_latency_ns(12'000'000), "12ms");
  EXPECT_EQ(format_latency_ns(2'500'000'000), "2.5s");
}

TEST(Table, ThreeSignificantDigits) {
  EXPECT_EQ(format_3sig(0), "0");
  EXPECT_EQ(format_3sig(0.012345), "0.0123");
  EXPECT_EQ(format_3sig(1.2345), "1.23");
  EXPECT_EQ(format_3sig(9.996), "10.0");
  EXPECT_EQ(format_3sig(12.345), "12.3");
  EXPECT_EQ(format_3sig(123.45), "123");
  EXPECT_EQ(format_3sig(12345.6), "12346");
}

constexpr std::string_view kExpectedMarkdown = R"txt(## contend results

| workload | primitive | mode | workers | cs-ns | pin | Mops/s | ±CV | ns/op | p50 | p99 | p99.9 | max | Jain | CPU s/Mop | status |
| :--- | :--- | :--- | ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |
| lock | std-mutex | threads | 2 | 0ns | none | 10.0 | ±12.4% | 200 | 100ns | 1.0µs | 20µs | 20µs | 0.990 | 0.200 | ok |
| lock | broken-crash | processes | 2 | 100ns | none | 1.80 | ±15.7% | 1111 | 550ns | 2.3µs | 2.3µs | 2.3µs | 0.900 | 1.00 | crashed |
| semaphore | posix-sem | threads | 4 | 0ns | compact | 7.50 | ±9.4% | 533 | — | — | — | — | 0.971 | 0.402 | ok |
| lock | broken-hang | threads | 1 | 0ns | none | — | — | — | — | — | — | — | — | — | timeout |

- lock/broken-crash/processes/workers:2/cs:100ns: repetition 1 crashed: SIGSEGV; repetition 2 violation: lost 12 of 4000 updates (counter "3988", expected "4000"); figures from 2 of 3 repetitions
- lock/broken-hang/threads/workers:1: timeout: after 2 s
- lock/std-mutex/threads/workers:2: noisy: throughput varies by ±12.4% (CV) between repetitions, above 10%
- lock/std-mutex/threads/workers:2: 1 of 3 repetitions is a statistical outlier (modified z-score above 14.826, and over 5% from the median); a quieter machine or more repetitions would help
- lock/broken-crash/processes/workers:2/cs:100ns: noisy: throughput varies by ±15.7% (CV) between repetitions, above 10%

Medians over measured repetitions; ±CV: throughput's coefficient of variation; Jain: fairness of workers' shares (1.000 = equal). Repetitions: 1 to 3 per configuration.

### Environment

- CPU: Test CPU @ 3.20GHz (8 online, 8 allowed)
- Kernel: 6.1.0-test
- Compiler: GCC 12.2.0
- Build: contend 0.1.0, Release, git 0123456789ab
- Host: testhost, 2024-01-02T03:04:05Z, load average 0.5 0.25 0.125
- Clock: tsc at 3.20 GHz, 11.5 ns per read, resolution 0.312 ns
- Command: `contend run --workload lock,semaphore --repetitions 3`
)txt";

TEST(Markdown, ExactText) { EXPECT_EQ(to_markdown(testing::fixture_results()), kExpectedMarkdown); }

TEST(Markdown, EscapesCellSeparators) {
  Results results = testing::fixture_results();
  results.configs[0].spec.primitive = "a|b";
  EXPECT_TRUE(Contains(to_markdown(results), "| a\\|b |"));
}

// ---------------------------------------------------------------------------------------------
// .hgrm

// Merged latency of the configuration with a crashed repetition: {500 x3, 4000 x1} from
// repetition 0 and {600 x4} from repetition 2; the crashed one's samples are left out. Checked
// line for line against hdr-histogram-js 3.0.1 (a port of the Java reference), whose only
// difference is its Max line: it prints the exact maximum, Java the highest equivalent value.
constexpr std::string_view kExpectedHgrmCrash =
    R"txt(       Value     Percentile TotalCount 1/(1-Percentile)

     500.000 0.000000000000          3           1.00
     500.000 0.100000000000          3           1.11
     500.000 0.200000000000          3           1.25
     500.000 0.300000000000          3           1.43
     600.000 0.400000000000          7           1.67
     600.000 0.500000000000          7           2.00
     600.000 0.550000000000          7           2.22
     600.000 0.600000000000          7           2.50
     600.000 0.650000000000          7           2.86
     600.000 0.700000000000          7           3.33
     600.000 0.750000000000          7           4.00
     600.000 0.775000000000          7           4.44
     600.000 0.800000000000          7           5.00
     600.000 0.825000000000          7           5.71
     600.000 0.850000000000          7           6.67
     600.000 0.875000000000          7           8.00
    4001.000 0.887500000000          8           8.89
    4001.000 1.000000000000          8
#[Mean    =      987.625, StdDeviation   =     1139.889]
#[Max     =     4001.000, Total count    =            8]
#[Buckets =           27, SubBuckets     =         2048]
)txt";

constexpr std::string_view kExpectedHgrmEmpty =
    R"txt(       Value     Percentile TotalCount 1/(1-Percentile)

#[Mean    =        0.000, StdDeviation   =        0.000]
#[Max     =        0.000, Total count    =            0]
#[Buckets =           27, SubBuckets     =         2048]
)txt";

constexpr std::string_view kExpectedHgrmSingle =
    R"txt(       Value     Percentile TotalCount 1/(1-Percentile)

    1234.000 0.000000000000          7           1.00
    1234.000 1.000000000000          7
#[Mean    =     1234.000, StdDeviation   =        0.000]
#[Max     =     1234.000, Total count    =            7]
#[Buckets =           27, SubBuckets     =         2048]
)txt";

TEST(Hgrm, ExactText) {
  const Results results = testing::fixture_results();
  EXPECT_EQ(to_hgrm(results.configs[1].merged_latency()), kExpectedHgrmCrash);
}

TEST(Hgrm, EmptyHistogramHasHeaderAndZeroFooter) {
  EXPECT_EQ(to_hgrm(Histogram{}), kExpectedHgrmEmpty);
}

TEST(Hgrm, SingleValueHasTheZeroAndTheHundredPercentRows) {
  Histogram h;
  h.record_n(1234, 7);
  EXPECT_EQ(to_hgrm(h), kExpectedHgrmSingle);
}

struct HgrmRow {
  double value;
  double percentile;
  long long total;
};

std::vector<HgrmRow> hgrm_rows(const std::string& text) {
  std::vector<HgrmRow> rows;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // blank
  while (std::getline(lines, line) && line.rfind("#[", 0) != 0) {
    HgrmRow row{};
    std::istringstream fields(line);
    fields >> row.value >> row.percentile >> row.total;
    EXPECT_FALSE(fields.fail()) << line;
    rows.push_back(row);
  }
  return rows;
}

TEST(Hgrm, RowsAreMonotonicAndEndAtTheTotal) {
  const Results results = testing::fixture_results();
  const Histogram merged = results.configs[0].merged_latency();
  const std::vector<HgrmRow> rows = hgrm_rows(to_hgrm(merged));
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows.front().percentile, 0.0);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GE(rows[i].value, rows[i - 1].value) << "row " << i;
    EXPECT_GT(rows[i].percentile, rows[i - 1].percentile) << "row " << i;
    EXPECT_GE(rows[i].total, rows[i - 1].total) << "row " << i;
  }
  EXPECT_EQ(rows.back().percentile, 1.0);
  EXPECT_EQ(rows.back().total, 3000);
  EXPECT_EQ(rows.back().value, 30015.0);  // highest value equivalent to the 30000 ns bucket
}

TEST(Hgrm, OverflowedValuesStayInTheLastRow) {
  Histogram h;
  h.record_n(100, 3);
  h.record(200'000'000'000);  // 200 s, above the 100 s the histogram tracks
  const std::vector<HgrmRow> rows = hgrm_rows(to_hgrm(h));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().total, 4);
  EXPECT_GE(rows.back().value, 1e11);
}

// ---------------------------------------------------------------------------------------------
// JSON

std::string error_of(std::string_view text) {
  try {
    (void)results_from_json(text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

// The whole JSON text of the fixture, checked by hand once (percentile ranks, Jain's index,
// ns/op = elapsed x workers / operations, the t-based 95% interval) and kept as a golden file:
// any change to the format shows here as a diff to review. After an intended change, run this
// test once with CONTEND_UPDATE_GOLDEN=1 to rewrite the file, then review `git diff`.
TEST(JsonOutput, ExactText) {
  const char* golden_path = CONTEND_SOURCE_DIR "/tests/golden/fixture_results.json";
  if (const char* update = std::getenv("CONTEND_UPDATE_GOLDEN"); update != nullptr && update[0] == '1') {
    std::ofstream(golden_path) << to_json(testing::fixture_results());
  }
  std::ifstream golden(golden_path);
  ASSERT_TRUE(golden) << "missing tests/golden/fixture_results.json";
  std::stringstream expected;
  expected << golden.rdbuf();
  EXPECT_EQ(to_json(testing::fixture_results()), expected.str());
}

TEST(JsonOutput, GoogleBenchmarkContext) {
  const Json j = Json::parse(to_json(testing::fixture_results()));
  const Json& c = j.at("context");
  EXPECT_EQ(c.at("date"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(c.at("host_name"), "testhost");
  EXPECT_EQ(c.at("executable"), "contend");
  EXPECT_EQ(c.at("num_cpus"), 8);
  EXPECT_EQ(c.at("mhz_per_cpu"), 3200);
  EXPECT_EQ(c.at("cpu_scaling_enabled"), false);
  EXPECT_EQ(c.at("caches"), Json::array());
  EXPECT_EQ(c.at("load_avg"), Json::parse("[0.5, 0.25, 0.125]"));
  EXPECT_EQ(c.at("library_build_type"), "release");
}

TEST(JsonOutput, BuildTypeOtherThanReleaseIsDebug) {
  Results results = testing::fixture_results();
  results.environment.build_type = "RelWithDebInfo+address";
  EXPECT_EQ(Json::parse(to_json(results)).at("context").at("library_build_type"), "debug");
  results.environment.build_type = "release";
  EXPECT_EQ(Json::parse(to_json(results)).at("context").at("library_build_type"), "release");
}

TEST(JsonOutput, IterationEntries) {
  const Json j = Json::parse(to_json(testing::fixture_results()));
  const Json& b = j.at("benchmarks");
  // 3 + 4 aggregates; 2 measured of 3 + 4; 2 + 4; none for the timed-out configuration, whose
  // only repetition has no figure.
  ASSERT_EQ(b.size(), 19u);
  const Json& first = b[0];
  EXPECT_EQ(first.at("name"), "lock/std-mutex/threads/workers:2");
  EXPECT_EQ(first.at("run_name"), "lock/std-mutex/threads/workers:2");
  EXPECT_EQ(first.at("family_index"), 0);
  EXPECT_EQ(first.at("per_family_instance_index"), 0);
  EXPECT_EQ(first.at("run_type"), "iteration");
  EXPECT_EQ(first.at("repetitions"), 3);
  EXPECT_EQ(first.at("repetition_index"), 0);
  EXPECT_EQ(first.at("threads"), 2);
  EXPECT_EQ(first.at("iterations"), 10'000'000);
  EXPECT_EQ(first.at("real_time"), 200.0);
  EXPECT_EQ(first.at("cpu_time"), 200.0);  // 2 CPU seconds over 1e7 operations
  EXPECT_EQ(first.at("time_unit"), "ns");
  EXPECT_EQ(first.at("items_per_second"), 1e7);
  EXPECT_EQ(first.at("status"), "ok");
  EXPECT_EQ(first.at("latency_ns"),
            Json::parse(R"({"p50": 100, "p90": 250, "p99": 1000, "p99.9": 20000, "p99.99": 20000,
                            "max": 20000, "samples": 1000})"));
  EXPECT_EQ(first.at("worker_ops_min"), 4'000'000);
  EXPECT_EQ(first.at("worker_ops_max"), 6'000'000);
  EXPECT_EQ(first.at("voluntary_switches"), 30);
  EXPECT_EQ(first.at("lost_updates"), 0);
  EXPECT_FALSE(first.contains("error_occurred"));
}

TEST(JsonOutput, RepetitionWithoutFiguresIsLeftOutOfBenchmarksButKeepsItsVerdict) {
  const Json j = Json::parse(to_json(testing::fixture_results()));
  const std::string name = "lock/broken-crash/processes/workers:2/cs:100ns";
  // Google Benchmark's tools read real_time from every entry of a name, so an entry with no
  // figure would break them: the crashed repetition appears only in the contend section.
  std::vector<int> indices;
  for (const Json& b : j.at("benchmarks")) {
    EXPECT_FALSE(b.contains("error_occurred")) << b.at("name");
    EXPECT_TRUE(b.contains("real_time")) << b.at("name");
    if (b.at("name") == name) indices.push_back(b.at("repetition_index").get<int>());
  }
  EXPECT_EQ(indices, std::vector<int>({0, 2}));
  bool found = false;
  for (const Json& c : j.at("contend").at("configurations")) {
    if (c.at("name") != name) continue;
    found = true;
    EXPECT_EQ(c.at("status"), "crashed");
    EXPECT_EQ(c.at("repetitions")[1].at("status"), "crashed");
    EXPECT_EQ(c.at("repetitions")[1].at("status_detail"), "SIGSEGV");
  }
  EXPECT_TRUE(found);
}

TEST(JsonOutput, ConfigurationSummaryOverMeasuredRepetitions) {
  const Json j = Json::parse(to_json(testing::fixture_results()));
  const Json& configs = j.at("contend").at("configurations");
  // std-mutex: 10, 8 and 10 Mops/s.
  const Json& tp = configs[0].at("summary").at("throughput_ops_per_s");
  EXPECT_EQ(tp.at("n"), 3);
  EXPECT_DOUBLE_EQ(tp.at("median").get<double>(), 10e6);
  EXPECT_DOUBLE_EQ(tp.at("mean").get<double>(), 28e6 / 3);
  EXPECT_DOUBLE_EQ(tp.at("min").get<double>(), 8e6);
  EXPECT_DOUBLE_EQ(tp.at("max").get<double>(), 10e6);
  EXPECT_NEAR(tp.at("stddev").get<double>(), std::sqrt(4e12 / 3), 1e-3);
  EXPECT_LT(tp.at("ci95_low").get<double>(), tp.at("mean").get<double>());
  EXPECT_GT(tp.at("ci95_high").get<double>(), tp.at("mean").get<double>());
  // The crashed repetition does not count: two measured ones remain.
  EXPECT_EQ(configs[1].at("summary").at("ns_per_op").at("n"), 2);
  // Sampling off: no latency summary, and it says so with null rather than zeros.
  EXPECT_TRUE(configs[2].at("summary").at("latency_p99_ns").is_null());
  EXPECT_FALSE(configs[2].at("summary").at("throughput_ops_per_s").is_null());
  // Nothing measured at all.
  EXPECT_TRUE(configs[3].at("summary").at("throughput_ops_per_s").is_null());
}

// The first data row's cell under the header `name` (empty, and a failure, if there is none).
std::string first_row_cell(const std::vector<std::vector<std::string>>& rows, const std::string& name) {
  const auto at = std::find(rows[0].begin(), rows[0].end(), name);
  EXPECT_NE(at, rows[0].end()) << name;
  return at == rows[0].end() ? std::string() : rows[1][static_cast<std::size_t>(at - rows[0].begin())];
}

// An rw configuration: reads in latency_*, writes in their own columns and histogram.
Results rw_results() {
  Results results;
  results.environment = testing::fixture_environment();
  ConfigResult c;
  c.spec.workload = Workload::rw;
  c.spec.primitive = "pthread-rwlock-reader";
  c.spec.workers = 2;
  c.spec.read_percent = 80;
  c.spec.repetitions = 1;
  Repetition rep;
  rep.elapsed_s = 1.0;
  rep.workers = testing::fixture_workers({600, 400}, 0.5, 0.5);
  rep.workers[0].write_operations = 150;
  rep.workers[1].write_operations = 50;
  Histogram reads;
  reads.record_n(100, 80);
  Histogram writes;
  writes.record_n(1000, 19);  // below 2048 ns, where buckets are 1 ns wide
  writes.record_n(90000, 1);
  c.add_repetition(rep, reads, writes);
  results.configs.push_back(c);
  return results;
}

TEST(RwOutput, WritesHaveTheirOwnFiguresEverywhere) {
  const Results results = rw_results();
  EXPECT_EQ(results.configs[0].name(), "rw/pthread-rwlock-reader/threads/workers:2/reads:80%");
  const Json j = Json::parse(to_json(results));
  const Json& b = j.at("benchmarks")[0];
  EXPECT_EQ(b.at("write_operations"), 200);
  EXPECT_EQ(b.at("write_latency_ns").at("p50"), 1000);
  EXPECT_EQ(b.at("write_latency_ns").at("max"), 90000);
  EXPECT_EQ(b.at("write_latency_ns").at("samples"), 20);
  EXPECT_EQ(b.at("latency_ns").at("p50"), 100);
  const Results back = results_from_json(to_json(results));
  ASSERT_EQ(back.configs.size(), 1u);
  EXPECT_TRUE(back.configs[0].repetitions[0] == results.configs[0].repetitions[0]);
  EXPECT_EQ(back.configs[0].spec, results.configs[0].spec);

  const auto rows = parse_csv(to_csv(results));
  ASSERT_EQ(rows.size(), 2u);
  const auto column = [&](const std::string& name) { return first_row_cell(rows, name); };
  EXPECT_EQ(column("read_percent"), "80");
  EXPECT_EQ(column("write_operations"), "200");
  EXPECT_EQ(column("write_latency_samples"), "20");
  EXPECT_EQ(column("write_latency_p50_ns"), "1000");
  EXPECT_EQ(column("write_latency_p99_ns"), "90000");
  EXPECT_EQ(column("write_latency_max_ns"), "90000");
  EXPECT_EQ(column("latency_p50_ns"), "100");
  EXPECT_EQ(column("permits"), "");
}

// A queue configuration: 2 producers and 1 consumer. Its operations are the consumer's items;
// the producers' pushes, fairness and failed attempts are reported beside them.
Results queue_results() {
  Results results;
  results.environment = testing::fixture_environment();
  ConfigResult c;
  c.spec.workload = Workload::queue;
  c.spec.primitive = "ring";
  c.spec.workers = 3;
  c.spec.producers = 2;
  c.spec.capacity = 256;
  c.spec.wait = QueueWait::yield;
  c.spec.consume_ns = 50;
  c.spec.repetitions = 1;
  Repetition rep;
  rep.elapsed_s = 1.0;
  rep.workers = testing::fixture_workers({300, 100, 400}, 0.5, 0.5);
  rep.workers[0].role = WorkerRole::producer;
  rep.workers[0].failed_attempts = 30;
  rep.workers[1].role = WorkerRole::producer;
  rep.workers[1].failed_attempts = 10;
  rep.workers[2].role = WorkerRole::consumer;
  rep.workers[2].failed_attempts = 8;
  Histogram latency;
  latency.record_n(700, 25);
  rep.reordered_items = 3;
  c.add_repetition(rep, latency, Histogram{});
  results.configs.push_back(c);
  return results;
}

TEST(QueueOutput, ItemsDeliveredAreTheOperationsAndTheRestIsReportedApart) {
  const Results results = queue_results();
  EXPECT_EQ(results.configs[0].name(),
            "queue/ring/threads/producers:2/consumers:1/capacity:256/wait:yield/consume:50ns");
  const Repetition& rep = results.configs[0].repetitions[0];
  EXPECT_EQ(rep.operations(), 400u);  // the consumer's items, not 800
  EXPECT_EQ(rep.produced_items(), 400u);
  EXPECT_DOUBLE_EQ(rep.ns_per_op(), 1e9 / 400.0);  // one consumer
  EXPECT_DOUBLE_EQ(rep.jain_fairness(), 1.0);       // over the consumers only
  EXPECT_DOUBLE_EQ(rep.producer_jain_fairness(), 400.0 * 400.0 / (2.0 * (300.0 * 300.0 + 100.0 * 100.0)));
  EXPECT_EQ(rep.worker_ops_min(), 400u);

  const Json j = Json::parse(to_json(results));
  const Json& b = j.at("benchmarks")[0];
  EXPECT_EQ(b.at("produced_items"), 400);
  EXPECT_EQ(b.at("failed_pushes"), 40);
  EXPECT_EQ(b.at("failed_pops"), 8);
  const Json& spec = j.at("contend").at("configurations")[0].at("spec");
  EXPECT_EQ(spec.at("producers"), 2);
  EXPECT_EQ(spec.at("consumers"), 1);
  EXPECT_EQ(spec.at("wait"), "yield");
  const Results back = results_from_json(to_json(results));
  ASSERT_EQ(back.configs.size(), 1u);
  EXPECT_TRUE(back.configs[0].repetitions[0] == rep);
  EXPECT_EQ(back.configs[0].spec, results.configs[0].spec);

  const auto rows = parse_csv(to_csv(results));
  ASSERT_EQ(rows.size(), 2u);
  const auto column = [&](const std::string& name) { return first_row_cell(rows, name); };
  EXPECT_EQ(column("operations"), "400");
  EXPECT_EQ(column("producers"), "2");
  EXPECT_EQ(column("consumers"), "1");
  EXPECT_EQ(column("capacity"), "256");
  EXPECT_EQ(column("wait"), "yield");
  EXPECT_EQ(column("consume_ns"), "50");
  EXPECT_EQ(column("failed_pushes"), "40");
  EXPECT_EQ(column("failed_pops"), "8");
  EXPECT_EQ(column("cs_lines"), "");
  EXPECT_EQ(column("reordered_items"), "3");

  const std::string table = to_table(results);
  EXPECT_NE(table.find(" 2p1c "), std::string::npos) << table;
  EXPECT_NE(table.find("failed try-operations per item delivered: 0.1 pushes (full), 0.02 pops (empty)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("3 items reached a consumer out of their producer's order: ring does not promise that order"),
            std::string::npos)
      << table;
}

TEST(RwOutput, TableNotesTheWriteSideAndLostUpdatesOfUnsynchronizedPrimitives) {
  Results results = rw_results();
  const std::string rw_table = to_table(results);
  EXPECT_NE(rw_table.find("reads:80%: writes were 20.0% of operations (200 of 1000); write acquire p50 "),
            std::string::npos)
      << rw_table;
  ConfigResult race;
  race.spec.primitive = "race";
  race.spec.workers = 2;
  race.spec.repetitions = 1;
  Repetition rep;
  rep.elapsed_s = 1.0;
  rep.workers = testing::fixture_workers({500, 500}, 0.5, 0.5);
  rep.lost_updates = 37;
  rep.checked_updates = 1200;  // warmup included
  race.repetitions.push_back(rep);
  results.configs = {race};
  const std::string race_table = to_table(results);
  EXPECT_NE(race_table.find("lock/race/threads/workers:2: lost 37 of 1200 updates of the shared counter (warmup "
                            "included): it gives no mutual exclusion, so this is expected"),
            std::string::npos)
      << race_table;
  EXPECT_NE(to_markdown(results).find("lost 37 of 1200 updates"), std::string::npos);
}

TEST(JsonOutput, SamplingOffGivesNullLatency) {
  const Json j = Json::parse(to_json(testing::fixture_results()));
  const Json& unsampled = j.at("benchmarks")[13];
  EXPECT_EQ(unsampled.at("name"), "semaphore/posix-sem/threads/workers:4/permits:2/pin:compact");
  EXPECT_EQ(unsampled.at("latency_ns"),
            Json::parse(R"({"p50": null, "p90": null, "p99": null, "p99.9": null, "p99.99": null,
                            "max": null, "samples": 0})"));
  EXPECT_EQ(unsampled.at("real_time"), 500.0);
}

TEST(JsonOutput, AggregatesOverMeasuredRepetitions) {
  const Json j = Json::parse(to_json(testing::fixture_results()));
  const Json& b = j.at("benchmarks");
  // The crashed configuration: aggregates over repetitions 0 and 2 only.
  const std::string run = "lock/broken-crash/processes/workers:2/cs:100ns";
  const char* names[] = {"mean", "median", "stddev", "cv"};
  for (int i = 0; i < 4; ++i) {
    const Json& a = b[9 + static_cast<std::size_t>(i)];
    EXPECT_EQ(a.at("name"), run + "_" + names[i]);
    EXPECT_EQ(a.at("run_name"), run);
    EXPECT_EQ(a.at("run_type"), "aggregate");
    EXPECT_EQ(a.at("aggregate_name"), names[i]);
    EXPECT_EQ(a.at("aggregate_unit"), i == 3 ? "percentage" : "time");
    EXPECT_EQ(a.at("iterations"), 2);
    EXPECT_EQ(a.at("family_index"), 1);
    EXPECT_FALSE(a.contains("repetition_index"));
  }
  EXPECT_EQ(b[9].at("real_time"), 1125.0);
  EXPECT_EQ(b[9].at("items_per_second"), 1.8e6);
  EXPECT_EQ(b[10].at("real_time"), 1125.0);
  EXPECT_DOUBLE_EQ(b[11].at("real_time").get<double>(), 250.0 / std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(b[12].at("real_time").get<double>(),
                   (250.0 / std::sqrt(2.0)) / 1125.0);  // a fraction
  EXPECT_EQ(b.back().at("name"), "semaphore/posix-sem/threads/workers:4/permits:2/pin:compact_cv");
}

TEST(JsonOutput, ContendSection) {
  const Json j = Json::parse(to_json(testing::fixture_results()));
  const Json& c = j.at("contend");
  EXPECT_EQ(c.at("format_version"), 2);
  EXPECT_EQ(c.at("version"), "0.1.0");
  EXPECT_EQ(c.at("command_line"), "contend run --workload lock,semaphore --repetitions 3");
  EXPECT_EQ(c.at("complete"), true);
  EXPECT_EQ(c.at("environment").at("clock"),
            Json::parse(R"({"source": "tsc", "ns_per_tick": 0.3125, "tsc_ghz": 3.2, "cost_ns": 11.5,
                            "resolution_ns": 0.3125})"));
  EXPECT_EQ(c.at("environment").at("work").at("iterations_per_ns"), 1.5);
  const Json& configs = c.at("configurations");
  ASSERT_EQ(configs.size(), 4u);
  EXPECT_EQ(configs[1].at("status"), "crashed");
  const Json& spec = configs[2].at("spec");
  EXPECT_EQ(spec.at("workload"), "semaphore");
  EXPECT_EQ(spec.at("pin"), "compact");
  EXPECT_EQ(spec.at("duration_ns"), 500'000'000);
  EXPECT_EQ(spec.at("sample_every"), 0);
  // A repetition keeps its figures; its configuration keeps the buckets of all of them (the
  // fast, slow and fast repetitions of the fixture) merged.
  EXPECT_EQ(configs[0].at("repetitions")[0].at("latency_ns"),
            Json::parse(R"({"samples": 1000, "min": 100, "max": 20000, "overflow": 0, "p50": 100, "p90": 250,
                            "p99": 1000, "p99.9": 20000, "p99.99": 20000})"));
  const Json& histogram = configs[0].at("latency_histogram");
  EXPECT_EQ(histogram, Json::parse(R"({"significant_digits": 3, "lowest_ns": 1,
      "highest_ns": 100000000000, "total": 3000, "min": 100, "max": 30000, "overflow": 0,
      "buckets": [[100, 1700], [110, 850], [250, 240], [300, 120], [1000, 50], [1500, 25], [20000, 10],
                  [30000, 5]]})"));
  // The violation's buckets are kept apart from the ok repetition's.
  EXPECT_EQ(configs[1].at("latency_histogram").at("total"), 4);
  EXPECT_EQ(configs[1].at("violation_latency_histogram").at("buckets"), Json::parse("[[600, 4]]"));
  // The crashed repetition keeps what it left behind, for the record.
  EXPECT_EQ(configs[1].at("repetitions")[1].at("workers")[0].at("operations"), 123);
}

TEST(JsonOutput, StrictJsonEvenForNonFiniteInput) {
  Results results = testing::fixture_results();
  results.configs[0].repetitions[0].elapsed_s = std::nan("");
  results.environment.clock.cost_ns = INFINITY;
  const std::string text = to_json(results);
  EXPECT_FALSE(Contains(text, "NaN"));
  EXPECT_FALSE(Contains(text, "Infinity"));
  EXPECT_TRUE(Json::accept(text));
  EXPECT_EQ(text.back(), '\n');
}

TEST(JsonRoundTrip, TextIsExact) {
  const std::string text = to_json(testing::fixture_results());
  EXPECT_EQ(to_json(results_from_json(text)), text);
}

TEST(JsonRoundTrip, FieldsAreEqual) {
  const Results original = testing::fixture_results();
  const Results parsed = results_from_json(to_json(original));
  EXPECT_EQ(parsed.environment, original.environment);
  EXPECT_EQ(parsed.command_line, original.command_line);
  EXPECT_EQ(parsed.complete, original.complete);
  ASSERT_EQ(parsed.configs.size(), original.configs.size());
  for (std::size_t i = 0; i < original.configs.size(); ++i) {
    EXPECT_EQ(parsed.configs[i].spec, original.configs[i].spec) << i;
    ASSERT_EQ(parsed.configs[i].repetitions.size(), original.configs[i].repetitions.size()) << i;
    for (std::size_t r = 0; r < original.configs[i].repetitions.size(); ++r) {
      const Repetition& a = parsed.configs[i].repetitions[r];
      const Repetition& b = original.configs[i].repetitions[r];
      EXPECT_TRUE(a == b) << "configuration " << i << " repetition " << r;
      EXPECT_EQ(a.latency.min(), b.latency.min());
      EXPECT_EQ(a.latency.max(), b.latency.max());
    }
    EXPECT_TRUE(parsed.configs[i].latency == original.configs[i].latency) << i;
    EXPECT_TRUE(parsed.configs[i].write_latency == original.configs[i].write_latency) << i;
  }
}

TEST(JsonRoundTrip, ExtremesAndOverflowSurvive) {
  Results results = testing::fixture_results();
  // A configuration keeps its repetitions' buckets merged (format version 2).
  Histogram& h = results.configs[0].latency.ok;
  h.record(0);
  h.record(123'456'789);      // exact max kept even though its bucket is 2^17 ns wide
  h.record(250'000'000'000);  // overflow
  results.configs[0].repetitions[0].elapsed_s = 0.1 + 0.2;  // not a short decimal
  const Results parsed = results_from_json(to_json(results));
  const Histogram& p = parsed.configs[0].latency.ok;
  EXPECT_TRUE(p == h);
  EXPECT_EQ(p.max(), 250'000'000'000u);
  EXPECT_EQ(p.min(), 0u);
  EXPECT_EQ(p.overflow_count(), 1u);
  EXPECT_EQ(parsed.configs[0].repetitions[0].elapsed_s, 0.1 + 0.2);
}

// A stress run's long-hold windows (RunControl::long_holds) survive the file, and the
// throughput read back leaves them out as the one written did.
TEST(JsonRoundTrip, LongHoldWindowsSurviveAndStayOutOfTheThroughput) {
  Results results = testing::fixture_results();
  Repetition& rep = results.configs[0].repetitions[0];
  const double before = rep.throughput_ops_per_s();
  rep.long_hold_s = rep.elapsed_s / 4;
  rep.long_hold_operations = rep.operations() / 100;
  const double after = rep.throughput_ops_per_s();
  EXPECT_GT(after, before);  // a quarter of the time, a hundredth of the operations
  const Results parsed = results_from_json(to_json(results));
  const Repetition& back = parsed.configs[0].repetitions[0];
  EXPECT_EQ(back.long_hold_s, rep.long_hold_s);
  EXPECT_EQ(back.long_hold_operations, rep.long_hold_operations);
  EXPECT_EQ(back.throughput_ops_per_s(), after);
  // Files without them (every `run`, and stress before the windows) read as none.
  EXPECT_EQ(results_from_json(to_json(testing::fixture_results())).configs[0].repetitions[0].long_hold_s, 0.0);
}

// A file of format version 1 (every repetition with its whole histogram), kept from before
// version 2: it still loads, into the same Results, and is written out as version 2.
TEST(JsonInput, ReadsFormatVersion1) {
  std::ifstream file(CONTEND_SOURCE_DIR "/tests/golden/fixture_results_v1.json");
  ASSERT_TRUE(file);
  std::stringstream text;
  text << file.rdbuf();
  const Results old = results_from_json(text.str());
  const Results expected = testing::fixture_results();
  ASSERT_EQ(old.configs.size(), expected.configs.size());
  for (std::size_t i = 0; i < expected.configs.size(); ++i) {
    EXPECT_EQ(old.configs[i].spec, expected.configs[i].spec) << i;
    EXPECT_TRUE(old.configs[i].repetitions == expected.configs[i].repetitions) << i;
    EXPECT_TRUE(old.configs[i].latency == expected.configs[i].latency) << i;
  }
  EXPECT_EQ(to_json(old), to_json(expected));
}

TEST(JsonInput, RejectsWhatIsNotAContendResultsFile) {
  // Where, and what, without the library's exception tag.
  EXPECT_EQ(error_of("garbage"), "line 1, column 1: not JSON: syntax error while parsing value - invalid literal; last read: 'g'");
  EXPECT_TRUE(Contains(error_of(""), "not JSON: "));
  EXPECT_FALSE(Contains(error_of("{\"a\":\n"), "json.exception"));
  EXPECT_EQ(error_of("{\"a\":\n").rfind("line 2, column 1: not JSON: ", 0), 0u);
  EXPECT_TRUE(Contains(error_of("[1, 2]"), "expected a JSON object"));
  EXPECT_TRUE(Contains(error_of(R"({"context": {}, "benchmarks": []})"),
                       "Google Benchmark's \"benchmarks\" but no \"contend\" section"));
  EXPECT_TRUE(Contains(error_of("{}"), "no \"contend\" section"));
}

TEST(JsonInput, RejectsOtherFormatVersions) {
  Json j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["format_version"] = 3;
  EXPECT_TRUE(Contains(error_of(j.dump()), "unsupported contend results format_version 3"));
  j["contend"].erase("format_version");
  EXPECT_TRUE(Contains(error_of(j.dump()), "missing \"format_version\""));
}

TEST(JsonInput, NamesThePathOfABadField) {
  Json j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["configurations"][1]["repetitions"][2]["status"] = "exploded";
  EXPECT_TRUE(
      Contains(error_of(j.dump()),
               "contend.configurations[1].repetitions[2].status: unknown value \"exploded\""));

  j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["configurations"][0]["spec"]["mode"] = "fibers";
  EXPECT_TRUE(Contains(error_of(j.dump()), "contend.configurations[0].spec.mode"));

  j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["configurations"][0]["spec"]["workers"] = "two";
  EXPECT_TRUE(
      Contains(error_of(j.dump()), "contend.configurations[0].spec.workers: expected an integer"));

  j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["environment"].erase("kernel");
  EXPECT_TRUE(Contains(error_of(j.dump()), "contend.environment: missing \"kernel\""));

  j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["configurations"][0]["latency_histogram"]["total"] = 2999;
  EXPECT_TRUE(Contains(error_of(j.dump()), "bucket counts add up to 3000, not total 2999"));

  j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["configurations"][0]["latency_histogram"]["significant_digits"] = 2;
  EXPECT_TRUE(Contains(error_of(j.dump()), "histogram layout differs"));

  j = Json::parse(to_json(testing::fixture_results()));
  j["contend"]["configurations"][0]["name"] = "lock/other/threads/workers:2";
  EXPECT_TRUE(Contains(error_of(j.dump()), "does not match its spec"));
}

// ---------------------------------------------------------------------------------------------
// Files

class TempDir {
 public:
  TempDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ =
        std::filesystem::temp_directory_path() /
        fmt::format("contend-reports-{}-{}-{}", ::getpid(), test->test_suite_name(), test->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> file_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(OutputFiles, WriteReplacesContentAndLeavesNoTemporaryFile) {
  const TempDir dir;
  const auto file = dir.path() / "results.csv";
  write_file_atomically(file, "first\n");
  EXPECT_EQ(read_file(file), "first\n");
  write_file_atomically(file, "second");
  EXPECT_EQ(read_file(file), "second");
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"results.csv"});
}

TEST(OutputFiles, FailureNamesThePathAndLeavesNoTemporaryFile) {
  const TempDir dir;
  // A directory cannot be replaced by a file, so the rename fails after the write succeeded.
  const auto target = dir.path() / "taken";
  std::filesystem::create_directory(target);
  try {
    write_file_atomically(target, "content");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(Contains(e.what(), target.string()));
    EXPECT_TRUE(Contains(e.what(), "directory"));
  }
  EXPECT_EQ(file_names(dir.path()), std::vector<std::string>{"taken"});

  const auto missing = dir.path() / "no-such-dir" / "results.csv";
  try {
    write_file_atomically(missing, "content");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(Contains(e.what(), missing.string()));
    EXPECT_TRUE(Contains(e.what(), "No such file or directory"));
  }
}

TEST(OutputFiles, HgrmFileNames) {
  const Results results = testing::fixture_results();
  EXPECT_EQ(hgrm_file_name(results.configs[0]), "lock-std-mutex-threads-workers-2.hgrm");
  EXPECT_EQ(hgrm_file_name(results.configs[2]),
            "semaphore-posix-sem-threads-workers-4-permits-2-pin-compact.hgrm");
  ConfigResult odd = results.configs[0];
  odd.spec.primitive = "my lock (v2)";
  EXPECT_EQ(hgrm_file_name(odd), "lock-my-lock--v2--threads-workers-2.hgrm");
}

TEST(OutputFiles, ResultsDirectoryHasEveryFile) {
  const TempDir dir;
  const Results results = testing::fixture_results();
  const auto out = dir.path() / "run";
  write_results_dir(out, results);
  // No .hgrm for what has no latency sample: the hang never measured, the semaphore was not timed.
  EXPECT_EQ(file_names(out), (std::vector<std::string>{
                                 "lock-broken-crash-processes-workers-2-cs-100ns.hgrm",
                                 "lock-std-mutex-threads-workers-2.hgrm",
                                 "results.csv",
                                 "results.json",
                             }));
  EXPECT_EQ(read_file(out / "results.csv"), to_csv(results));
  EXPECT_EQ(read_file(out / "results.json"), to_json(results));
  EXPECT_EQ(read_file(out / "lock-broken-crash-processes-workers-2-cs-100ns.hgrm"),
            kExpectedHgrmCrash);
}

}  // namespace
}  // namespace contend
