// The clock condition over every event of 100 seeds per workload: a -> b => L(a) < L(b),
// and V(a) < V(b) <=> a -> b, against the happened-before relation the simulator tracks itself.
#include "sim/logical/causality.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim {
namespace {

CausalityReport run(const std::string& yaml) {
  const auto spec = scenario::load_scenario_text(yaml, "logical.yaml");
  CausalityRecorder rec(static_cast<NodeId>(spec.nodes.size()));
  World w(spec);
  w.add_observer(&rec);
  w.run_until(w.end());
  return rec.check();
}

std::string workload(std::uint64_t seed, int nodes, const std::string& topology, const std::string& links,
                     const std::string& sync) {
  return "name: logical\nseed: " + std::to_string(seed) + "\nduration: 20s\ntick: 1s\nnodes: " +
         std::to_string(nodes) + "\ntopology: " + topology + "\nlinks: " + links + "\nalgorithm:\n  sync: " + sync + "\n";
}

void check_100_seeds(int nodes, const std::string& topology, const std::string& links, const std::string& sync) {
  std::uint64_t hb = 0, concurrent = 0, events = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const CausalityReport r = run(workload(seed, nodes, topology, links, sync));
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": lamport " << r.lamport_violations << ", vector false order "
                        << r.vector_false_order << ", missed " << r.vector_missed_order << ", unmatched "
                        << r.unmatched_receives;
    hb += r.happened_before;
    concurrent += r.pairs / 2 - r.happened_before;
    events += r.events;
  }
  // Not vacuous: the runs have both ordered and concurrent pairs, and many events.
  EXPECT_GT(events, 100u * 20u);
  EXPECT_GT(hb, 1000u);
  EXPECT_GT(concurrent, 1000u);
}

TEST(LogicalClocksProperty, VectorClocksRandomPeersFullMesh) {
  check_100_seeds(5, "full_mesh", "{latency: \"uniform(1ms, 300ms)\"}",
                  "{kind: logical, clock: vector, mean_interval: 200ms, send_probability: 0.6}");
}

// 9 nodes: the vector (9 entries) travels in a head and a fragment that may arrive in either
// order; loss drops some, and an incomplete stamp is never delivered.
TEST(LogicalClocksProperty, FragmentedVectorsUnderLossAndReordering) {
  check_100_seeds(9, "full_mesh", "{latency: exponential(50ms), loss: 0.05}",
                  "{kind: logical, clock: vector, mean_interval: 300ms, send_probability: 0.5}");
}

TEST(LogicalClocksProperty, NeighbourTrafficOnARing) {
  check_100_seeds(6, "ring", "{latency: \"uniform(5ms, 100ms)\"}",
                  "{kind: logical, clock: vector, mean_interval: 250ms, peers: neighbours}");
}

TEST(LogicalClocksProperty, LamportOnlyClockOrdersEveryCausalPair) {
  std::uint64_t hb = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const CausalityReport r = run(workload(seed, 5, "full_mesh", "{latency: \"uniform(1ms, 300ms)\"}",
                                           "{kind: logical, clock: lamport, mean_interval: 200ms}"));
    EXPECT_FALSE(r.has_vectors);
    ASSERT_EQ(r.lamport_violations, 0u) << "seed " << seed;
    hb += r.happened_before;
  }
  EXPECT_GT(hb, 1000u);
}

// The checker itself: a Lamport clock that forgets the receive rule must be caught.
TEST(CausalityRecorder, CatchesAStampThatIgnoresTheMessage) {
  CausalityRecorder rec(2);
  LogicalEvent send;
  send.kind = LogicalEvent::Kind::kSend;
  send.peer = 1;
  send.message_id = 0;
  send.lamport = 5;
  send.vector = {5, 0};
  rec.on_logical_event(Time::from_ns(1), 0, send);
  Message m = make_message(MsgType::kLamport, 0);
  rec.on_message_sent(Time::from_ns(1), 0, 1, m);
  rec.on_message_delivered(Time::from_ns(2), 0, 1, m);
  LogicalEvent recv;
  recv.kind = LogicalEvent::Kind::kReceive;
  recv.peer = 0;
  recv.lamport = 1;       // should have been 6
  recv.vector = {0, 1};   // should have been {5, 1}
  rec.on_logical_event(Time::from_ns(2), 1, recv);
  const CausalityReport r = rec.check();
  EXPECT_EQ(r.happened_before, 1u);
  EXPECT_EQ(r.lamport_violations, 1u);
  EXPECT_EQ(r.vector_missed_order, 1u);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace clocksim::sim
