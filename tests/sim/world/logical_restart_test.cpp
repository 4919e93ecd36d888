// A node's logical clocks survive its restart, as on stable storage: the new incarnation goes on
// from its last Lamport time, vector and message id. From zero again, its new messages were
// refused by the receivers as duplicates of its old ones, its own history broke a -> b =>
// L(a) < L(b), and the causality record matched receives to the wrong sends.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/sim/run/run_in_memory.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

struct LogicalRun {
  nlohmann::json logical;
  std::string logical_csv;
};

LogicalRun run(const std::string& text, const std::string& host) {
  scenario::LoadOptions load;
  load.set_overrides = {"host=" + host};
  const auto r = testing::run_in_memory(scenario::load_scenario_text(text, "logical-restart.yaml", load));
  return {r.summary["results"]["logical"], r.files.at("logical.csv")};
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(LogicalRestart, TheClocksAndMessageIdsGoOnAcrossARestart) {
  const std::string text =
      "name: logical-restart\nseed: 3\nduration: 10s\ntick: 100ms\nnodes: 3\nlinks:\n  latency: 1ms\n"
      "algorithm:\n  sync: {kind: logical, clock: vector, mean_interval: 100ms, send_probability: 1}\n"
      "faults:\n  - {at: 5s, crash: n0, until: 5500ms}\n";
  for (const std::string host : {"algorithm", "daemon"}) {
    const LogicalRun r = run(text, host);
    EXPECT_TRUE(r.logical["consistent"].get<bool>()) << host << ": " << r.logical.dump();
    EXPECT_EQ(r.logical["unmatched_receives"], 0) << host;
    // Every send is received (1 ms links, no loss) but those sent to n0 while it was down and any
    // in flight at the end: 6 of 271 here, where ids from 0 again lost 21.
    const std::size_t sends = count_of(r.logical_csv, ",send,"), receives = count_of(r.logical_csv, ",receive,");
    EXPECT_GE(receives + 8, sends) << host << ": " << receives << " receives of " << sends << " sends";
  }
}

TEST(LogicalRestart, LocalEventsAfterARestartGoOnFromTheLastTime) {
  const std::string text =
      "name: logical-restart-local\nseed: 3\nduration: 4s\ntick: 100ms\nnodes: 2\n"
      "algorithm:\n  sync: {kind: logical, clock: vector, mean_interval: 200ms, send_probability: 0}\n"
      "faults:\n  - {at: 2s, crash: n0, until: 2500ms}\n";
  const LogicalRun r = run(text, "algorithm");
  EXPECT_TRUE(r.logical["consistent"].get<bool>()) << r.logical.dump();
  EXPECT_EQ(r.logical["lamport_violations"], 0);
}

}  // namespace
}  // namespace clocksim::sim
