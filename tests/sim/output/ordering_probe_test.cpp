#include "sim/output/ordering_probe.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

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

OrderingResult run(std::vector<std::int64_t> offsets) {
  const auto spec = scenario::load_scenario_text(
      "name: o\nduration: 10s\ntick: 1ms\nnodes: 3\nordering: {servers: [n1, n2], requests_per_s: 400}\n", "o.yaml");
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
  // Lamport stamps count each server's own requests: the central interleaves the two servers
  // by count, not by time, and gets many pairs wrong.
  EXPECT_GT(r.wrong_by_lamport, r.pairs / 10);
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
}

}  // namespace
}  // namespace clocksim::sim
