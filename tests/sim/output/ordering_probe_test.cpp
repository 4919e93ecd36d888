#include "sim/output/ordering_probe.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace ordering_probe_test {

// Three nodes at fixed offsets from true time; ticks of 1 ms.
class FixedOffsets final : public TickView {
 public:
  explicit FixedOffsets(std::vector<std::int64_t> offsets) : offsets_(std::move(offsets)) {}
  Time now() const override { return t_; }
  NodeId node_count() const override { return static_cast<NodeId>(offsets_.size()); }
  NodeSnapshot node(NodeId id) const override {
    return NodeSnapshot{id, t_.ns() + offsets_[id], offsets_[id], Role::kNone, kNoNode, true, false};
  }
  const std::string& node_name(NodeId) const override { return name_; }
  void advance() { t_ = t_ + Duration::from_ns(1'000'000); }

 private:
  std::vector<std::int64_t> offsets_;
  Time t_ = Time::epoch();
  std::string name_ = "n";
};

OrderingResult run(std::vector<std::int64_t> offsets, const std::string& extra = "",
                   const std::string& rate = "400") {
  const auto spec = scenario::load_scenario_text("name: o\nduration: 10s\ntick: 1ms\nnodes: 3\n" + extra +
                                                     "ordering: {servers: [n1, n2], requests_per_s: " + rate + "}\n",
                                                 "o.yaml");
  OrderingProbe probe(spec, *spec.ordering);
  FixedOffsets view(std::move(offsets));
  for (int i = 0; i < 10'000; ++i) {
    probe.on_tick(view);
    view.advance();
  }
  return probe.result();
}

TEST(OrderingProbe, SynchronizedServersOrderEveryPairRight) {
  const OrderingResult r = run({0, 5'000'000, 5'000'000});  // equal offsets: only the central is off
  EXPECT_NEAR(static_cast<double>(r.requests), 4000.0, 300.0);
  EXPECT_GT(r.pairs, 2000u);
  EXPECT_EQ(r.wrong_by_clock, 0u);
  EXPECT_EQ(r.servers_max_skew_ns, 0);
  // Lamport stamps follow the messages, not time: requests closer together than a round trip to
  // the central (default links: 1 ms each way) are ordered arbitrarily.
  EXPECT_GT(r.wrong_by_lamport, r.pairs / 50);
  // Consecutive requests at one server, or at a server that heard of the earlier one, are in
  // Lamport's happened-before relation; the clock condition orders every such pair right.
  EXPECT_GT(r.causal_pairs, r.pairs / 4);
  EXPECT_EQ(r.causal_wrong_by_lamport, 0u);
}

TEST(OrderingProbe, TheClockConditionHoldsOverLatenciesAndRates) {
  // The adversary of the Lamport bookkeeping: slow, variable and asymmetric trips to the central
  // (acknowledgements overtake each other), from sparse to dense requests, skewed clocks.
  for (const char* latency : {"constant(100us)", "uniform(1ms, 3ms)", "uniform(0ms, 40ms)", "exponential(5ms)"}) {
    for (const char* rate : {"20", "400", "5000"}) {
      const std::string links = std::string("links: {latency: \"") + latency + "\", asymmetry: 0.5}\n";
      const OrderingResult r = run({0, -2'000'000, 7'000'000}, links, rate);
      SCOPED_TRACE(std::string(latency) + " at " + rate + "/s");
      EXPECT_GT(r.causal_pairs, 0u);
      EXPECT_EQ(r.causal_wrong_by_lamport, 0u);
      // The clocks are 9 ms apart: where acknowledgements return within the gaps between
      // requests, clock stamps order some causally related requests against causality.
      if (std::string(latency) == "constant(100us)" && std::string(rate) != "20") {
        EXPECT_GT(r.causal_wrong_by_clock, 0u);
      }
    }
  }
}

TEST(OrderingProbe, FastAcknowledgementsMakeLamportOrderFollowArrivals) {
  // With trips of 100 us every server hears of the other's requests (the central publishes each
  // receipt) before the next tick: every pair is causally related, Lamport order is true order.
  const OrderingResult fast = run({0, 0, 0}, "links: {latency: constant(100us)}\n", "100");
  const OrderingResult slow = run({0, 0, 0}, "links: {latency: constant(20ms)}\n", "100");
  EXPECT_EQ(fast.causal_pairs, fast.pairs);
  EXPECT_EQ(fast.wrong_by_lamport, 0u);
  EXPECT_GT(slow.wrong_by_lamport, slow.pairs / 10);
  // The central's order of receipt: exact with constant trips, wrong once trips vary.
  EXPECT_EQ(fast.wrong_by_arrival, 0u);
  const OrderingResult varied = run({0, 0, 0}, "links: {latency: \"uniform(1ms, 9ms)\"}\n");
  EXPECT_GT(varied.wrong_by_arrival, varied.pairs / 20);
}

TEST(OrderingProbe, ASkewLargerThanTheGapsReversesPairs) {
  // n2 is 3 ms ahead of n1: a request at n2 followed within 3 ms by one at n1 is put after it.
  const OrderingResult r = run({0, 0, 3'000'000});
  EXPECT_EQ(r.servers_max_skew_ns, 3'000'000);
  const double wrong = static_cast<double>(r.wrong_by_clock) / static_cast<double>(r.pairs);
  // Gaps between consecutive non-empty ticks are mostly 1-3 ms at 400/s: a large share of the
  // pairs n2 -> n1 (about a quarter of all pairs) is reversed.
  EXPECT_GT(wrong, 0.10);
  EXPECT_LT(wrong, 0.40);
}

TEST(OrderingProbe, SameSeedSameCounts) {
  const OrderingResult a = run({0, 0, 3'000'000});
  const OrderingResult b = run({0, 0, 3'000'000});
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.wrong_by_clock, b.wrong_by_clock);
  EXPECT_EQ(a.wrong_by_lamport, b.wrong_by_lamport);
  EXPECT_EQ(a.wrong_by_arrival, b.wrong_by_arrival);
  EXPECT_EQ(a.causal_pairs, b.causal_pairs);
}

TEST(OrderingProbe, TheCentralDefaultsToTheFirstNodeThatIsNotAServerAndMayBeNamed) {
  const auto spec = scenario::load_scenario_text(
      "name: o\nduration: 1s\ntick: 1ms\nnodes: 4\nordering: {servers: [n0, n2]}\n", "o.yaml");
  EXPECT_EQ(spec.ordering->central, 1u);
  const auto named = scenario::load_scenario_text(
      "name: o\nduration: 1s\ntick: 1ms\nnodes: 4\nordering: {servers: [n0, n2], central: n3}\n", "o.yaml");
  EXPECT_EQ(named.ordering->central, 3u);
  EXPECT_THROW(scenario::load_scenario_text(
                   "name: o\nduration: 1s\ntick: 1ms\nnodes: 2\nordering: {servers: [n0, n1]}\n", "o.yaml"),
               scenario::ScenarioError);
  EXPECT_THROW(scenario::load_scenario_text(
                   "name: o\nduration: 1s\ntick: 1ms\nnodes: 3\nordering: {servers: [n0, n1], central: n1}\n", "o.yaml"),
               scenario::ScenarioError);
}

}  // namespace ordering_probe_test
}  // namespace clocksim::sim
