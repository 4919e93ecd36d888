// A hosted node (host: daemon) reports each logical event once, by the rule clocksyncd keeps them
// by (later_than_kept): at the end of the Lamport range, where a member's one stamp can put a
// node's clock, later events share the Lamport time and still count. Judged by the Lamport time
// alone, every event after the first at that time was left out of logical.csv and the causality
// check, and the next incarnation started from a message id the node had long sent past.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim {

struct WorldTestAccess {
  static void keep(World& world, NodeId id, const LogicalState& state) {
    world.logical_kept_.resize(world.nodes_.size());
    world.logical_kept_[id] = state;
  }
};

namespace {

constexpr std::uint64_t kEnd = std::numeric_limits<std::int64_t>::max();

class LogicalEvents final : public Observer {
 public:
  void on_tick(const TickView&) override {}
  void on_event(Time, NodeId, const Note&) override {}
  void on_message_sent(Time, NodeId from, NodeId, const Message& msg) override {
    if (msg.type == MsgType::kLamport) ++sent[from];
  }
  void on_logical_event(Time, NodeId node, const LogicalEvent& e) override {
    ++events[node];
    if (e.kind == LogicalEvent::Kind::kSend) send_ids[node].push_back(e.message_id);
    if (e.lamport == kEnd) ++at_end[node];
  }
  // Counts are per node; a node that reported nothing has none.
  std::map<NodeId, int> sent, events, at_end;
  std::map<NodeId, std::vector<std::uint32_t>> send_ids;
};

int of(const std::map<NodeId, int>& counts, NodeId n) {
  const auto it = counts.find(n);
  return it == counts.end() ? 0 : it->second;
}

LogicalEvents run_from_the_end(const std::string& clock) {
  scenario::LoadOptions load;
  load.set_overrides = {"host=daemon"};
  const auto spec = scenario::load_scenario_text(
      "name: lamport-end\nseed: 5\nduration: 3s\ntick: 100ms\nnodes: 3\nlinks:\n  latency: 1ms\n"
      "algorithm:\n  sync: {kind: logical, clock: " + clock + ", mean_interval: 100ms, send_probability: 1}\n",
      "lamport-end.yaml", load);
  World world(spec);
  EXPECT_TRUE(world.logical());
  // Node 0 starts as if its last run had taken a stamp at the end of the range, with 40 messages
  // sent: each of its events is then at that Lamport time, and so is every receiver's after it.
  LogicalState end{kEnd, {}, 40};
  if (clock == "vector") end.vector = {7, 3, 0};
  WorldTestAccess::keep(world, 0, end);
  LogicalEvents seen;
  world.add_observer(&seen);
  world.run_until(world.end());
  return seen;
}

TEST(HostedLogicalEvents, EverySendAtTheEndOfTheLamportRangeIsReported) {
  for (const std::string clock : {"lamport", "vector"}) {
    LogicalEvents seen = run_from_the_end(clock);
    ASSERT_GE(of(seen.sent, 0), 10) << clock;
    for (NodeId n = 0; n < 3; ++n) {
      // Every message sent is a send event reported, with the ids in order and none left out.
      const std::vector<std::uint32_t>& ids = seen.send_ids[n];
      EXPECT_EQ(ids.size(), static_cast<std::size_t>(of(seen.sent, n))) << clock << " n" << n;
      const std::uint32_t first = n == 0 ? 40 : 0;
      for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], first + i) << clock << " n" << n << " send " << i;
    }
    EXPECT_EQ(of(seen.at_end, 0), of(seen.events, 0)) << clock;
  }
}

TEST(HostedLogicalEvents, EveryReceiveAtTheEndOfTheLamportRangeMovesTheVectorAndIsReported) {
  const LogicalEvents seen = run_from_the_end("vector");
  for (NodeId n = 1; n < 3; ++n) {
    // All of a receiver's events after its first receive from node 0 are at the end of the
    // range; every one is reported (sends and receives alike: its own entry moves on).
    EXPECT_GE(of(seen.at_end, n), 10) << "n" << n;
  }
  int sent = 0, events = 0;
  for (const auto& [node, n] : seen.sent) sent += n;
  for (const auto& [node, n] : seen.events) events += n;
  // Send probability 1: a node's events are its sends and its receives; at most the messages
  // still in flight at the end are not received.
  EXPECT_GE(events, 2 * sent - 6);
  EXPECT_LE(events, 2 * sent);
}

}  // namespace
}  // namespace clocksim::sim
