// The clock condition over every event of 100 seeds per workload: a -> b => L(a) < L(b),
// and V(a) < V(b) <=> a -> b, against the happened-before relation the simulator tracks itself.
#include "sim/logical/causality.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "algorithms/logical/vector_clock.hpp"
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

// A chain of messages through every node in turn: every pair of events is ordered, and every
// vector has `nodes` entries. Correct stamps unless `corrupt` names events to damage.
CausalityRecorder message_chain(NodeId nodes, std::size_t messages, std::uint64_t corrupt_seed = 0) {
  CausalityRecorder rec(nodes);
  std::vector<std::vector<std::uint64_t>> clock(nodes, std::vector<std::uint64_t>(nodes, 0));
  std::vector<std::uint64_t> lamport(nodes, 0);
  std::uint64_t draw = corrupt_seed;
  auto damaged = [&](LogicalEvent e) {
    if (corrupt_seed == 0) return e;
    draw = draw * 6364136223846793005ULL + 1442695040888963407ULL;
    switch ((draw >> 33) % 5) {
      case 0: e.lamport = (draw >> 40) % 8; break;
      case 1: e.vector[(draw >> 20) % e.vector.size()] = (draw >> 45) % 4; break;
      case 2: e.vector[(draw >> 20) % e.vector.size()] += 100; break;
      default: break;
    }
    return e;
  };
  auto stamp = [](LogicalEvent::Kind kind, NodeId peer, std::size_t message, std::uint64_t lamport_now,
                  const std::vector<std::uint64_t>& vector) {
    LogicalEvent e;
    e.kind = kind;
    e.peer = peer;
    e.message_id = static_cast<std::uint32_t>(message);
    e.lamport = lamport_now;
    e.vector = vector;
    return e;
  };
  for (std::size_t k = 0; k < messages; ++k) {
    const NodeId from = static_cast<NodeId>(k % nodes), to = static_cast<NodeId>((k + 1) % nodes);
    const Time t = Time::from_ns(static_cast<std::int64_t>(2 * k + 1));
    ++lamport[from];
    ++clock[from][from];
    rec.on_logical_event(t, from, damaged(stamp(LogicalEvent::Kind::kSend, to, k, lamport[from], clock[from])));
    const Message m = make_message(MsgType::kLamport, static_cast<std::uint32_t>(k));
    rec.on_message_sent(t, from, to, m);
    rec.on_message_delivered(t + Duration::from_ns(1), from, to, m);
    lamport[to] = std::max(lamport[to], lamport[from]) + 1;
    for (NodeId i = 0; i < nodes; ++i) clock[to][i] = std::max(clock[to][i], clock[from][i]);
    ++clock[to][to];
    rec.on_logical_event(t + Duration::from_ns(1), to,
                         damaged(stamp(LogicalEvent::Kind::kReceive, from, k, lamport[to], clock[to])));
  }
  return rec;
}

// Every pair looked at on its own: what check() must count, however it gets there.
CausalityReport pair_by_pair(const CausalityRecorder& rec) {
  const auto& ev = rec.events();
  const std::size_t e = ev.size();
  std::vector<std::vector<bool>> before(e, std::vector<bool>(e, false));
  std::vector<std::int64_t> prev(64, -1);
  for (std::size_t i = 0; i < e; ++i) {
    for (const std::int64_t j : {prev[ev[i].node], ev[i].cause}) {
      if (j < 0) continue;
      before[i] = [&] {
        std::vector<bool> v = before[i];
        for (std::size_t k = 0; k < e; ++k) v[k] = v[k] || before[static_cast<std::size_t>(j)][k];
        v[static_cast<std::size_t>(j)] = true;
        return v;
      }();
    }
    prev[ev[i].node] = static_cast<std::int64_t>(i);
  }
  CausalityReport r;
  r.events = e;
  for (std::size_t b = 0; b < e; ++b) {
    for (std::size_t a = 0; a < e; ++a) {
      if (a == b) continue;
      ++r.pairs;
      const bool hb = before[b][a];
      const bool vless = logical::compare(ev[a].event.vector, ev[b].event.vector) == logical::Causality::kBefore;
      r.happened_before += hb;
      r.lamport_violations += hb && ev[a].event.lamport >= ev[b].event.lamport;
      r.vector_false_order += vless && !hb;
      r.vector_missed_order += hb && !vless;
    }
  }
  return r;
}

// Damaged stamps (Lamport times and vector entries set low or high at random) are counted
// exactly as a look at every pair counts them.
TEST(CausalityRecorder, CountsDamagedStampsExactlyAsEveryPairSeesThem) {
  std::uint64_t damaged_runs = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const CausalityRecorder rec = message_chain(4, 12, seed);
    const CausalityReport got = rec.check();
    const CausalityReport want = pair_by_pair(rec);
    ASSERT_EQ(got.pairs, want.pairs) << seed;
    ASSERT_EQ(got.happened_before, want.happened_before) << seed;
    ASSERT_EQ(got.lamport_violations, want.lamport_violations) << seed;
    ASSERT_EQ(got.vector_false_order, want.vector_false_order) << seed;
    ASSERT_EQ(got.vector_missed_order, want.vector_missed_order) << seed;
    damaged_runs += !got.ok();
  }
  EXPECT_GT(damaged_runs, 150u);  // the damage does reach the counts
}

// 6,000 events of 1,000-entry vectors, every pair ordered: looked at pair by pair that is 2·10^10
// entry comparisons (most of a minute); the check needs only the graph's edges for the ordered
// pairs, and one entry for the others.
TEST(CausalityRecorder, StampsThatRiseAlongEveryEdgeSettleTheOrderedPairsWithoutALookEach) {
  const CausalityRecorder rec = message_chain(1000, 3000);
  const CausalityReport r = rec.check();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.happened_before, 6000u * 5999u / 2);
  EXPECT_EQ(r.pairs_compared, 0u);  // each of the 18 million pairs compared: minutes at this size
}

}  // namespace
}  // namespace clocksim::sim
