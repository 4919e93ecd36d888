// The example of docs/extending.md, fed scripted inputs: who it asks, what it answers, which
// replies it counts, and the correction it applies.
#include "algorithms/neighbour_average/neighbour_average.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <memory>

#include "algorithms/registry.hpp"

namespace clocksim::neighbour_average {
namespace {

using namespace literals;
constexpr std::int64_t kMs = 1'000'000;

std::shared_ptr<const std::vector<NodeId>> members(NodeId n) {
  auto v = std::make_shared<std::vector<NodeId>>();
  for (NodeId i = 0; i < n; ++i) v->push_back(i);
  return v;
}

class NeighbourAverageNode : public ::testing::Test {
 protected:
  // Node 2 of a 5-node ring 0-1-2-3-4-0: its neighbours are 1 and 3.
  void make(std::vector<NodeId> neighbours = {3, 1}) {
    config_.period = 10_s;
    config_.read_window = 200_ms;
    node_ = std::make_unique<NeighbourAverage>(Membership{2, members(5)}, std::move(neighbours), config_);
  }
  // Starts the first round at local time t1 and returns its request.
  Message ask(std::int64_t t1) {
    node_->on_start(LocalTime::from_ns(0), out_);
    out_.clear();
    node_->on_timer(LocalTime::from_ns(t1), kRoundTimer, out_);
    Message req = out_.sends().at(0).msg;
    out_.clear();
    return req;
  }
  // A reply from `from`, whose clock is `offset_ms` ahead, with 1 ms each way.
  void reply(const Message& req, NodeId from, std::int64_t offset_ms) {
    Message r = make_message(MsgType::kTimeReply, req.seq);
    r.term = req.term;
    r.t1_ns = req.t1_ns;
    r.t2_ns = r.t3_ns = req.t1_ns + kMs + offset_ms * kMs;
    node_->on_message(LocalTime::from_ns(req.t1_ns + 2 * kMs), from, r, out_);
  }
  NeighbourAverageConfig config_;
  std::unique_ptr<NeighbourAverage> node_;
  Effects out_;
};

TEST_F(NeighbourAverageNode, AsksOnlyItsNeighboursEveryPeriod) {
  make();
  EXPECT_EQ(node_->neighbours(), (std::vector<NodeId>{1, 3}));
  node_->on_start(LocalTime::from_ns(0), out_);
  ASSERT_EQ(out_.timers().size(), 1u);
  EXPECT_EQ(out_.timers()[0].id, kRoundTimer);
  EXPECT_EQ(out_.timers()[0].after, 10_s);
  out_.clear();
  node_->on_timer(LocalTime::from_ns(10'000 * kMs), kRoundTimer, out_);
  ASSERT_EQ(out_.sends().size(), 2u);
  EXPECT_EQ(out_.sends()[0].to, 1u);
  EXPECT_EQ(out_.sends()[1].to, 3u);
  EXPECT_EQ(out_.sends()[0].msg.type, MsgType::kTimeRequest);
  EXPECT_EQ(out_.sends()[0].msg.t1_ns, 10'000 * kMs);
  ASSERT_EQ(out_.timers().size(), 2u);  // the apply window and the next round
  EXPECT_EQ(out_.timers()[0].id, kApplyTimer);
  EXPECT_EQ(out_.timers()[0].after, 200_ms);
  EXPECT_EQ(out_.timers()[1].id, kRoundTimer);
}

TEST_F(NeighbourAverageNode, WithoutATopologyEveryOtherMemberIsANeighbour) {
  make({});
  EXPECT_EQ(node_->neighbours(), (std::vector<NodeId>{0, 1, 3, 4}));
}

TEST_F(NeighbourAverageNode, AnswersAnyoneWithItsReading) {
  make();
  Message req = make_message(MsgType::kTimeRequest, 4);
  req.term = 4;
  req.t1_ns = 77;
  node_->on_message(LocalTime::from_ns(5 * kMs), 0, req, out_);  // 0 is not a neighbour of 2
  ASSERT_EQ(out_.sends().size(), 1u);
  EXPECT_EQ(out_.sends()[0].to, 0u);
  EXPECT_EQ(out_.sends()[0].msg.type, MsgType::kTimeReply);
  EXPECT_EQ(out_.sends()[0].msg.t1_ns, 77);
  EXPECT_EQ(out_.sends()[0].msg.t3_ns, 5 * kMs);
}

// Neighbours at +30 and -6 ms: the mean of {0, +30, -6} is +8 ms, stepped at the window's end.
TEST_F(NeighbourAverageNode, MovesToTheMeanOfItselfAndItsNeighbours) {
  make();
  const Message req = ask(10'000 * kMs);
  reply(req, 1, 30);
  reply(req, 3, -6);
  EXPECT_TRUE(out_.clock().empty());  // nothing applied before the window ends
  node_->on_timer(LocalTime::from_ns(10'200 * kMs), kApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta.ns(), 8 * kMs);
  EXPECT_EQ(out_.clock()[0].mode, AdjustMode::kStep);
  EXPECT_EQ(node_->last_correction_ns(), 8 * kMs);
}

// With its correction, the round reports what it rests on for the clock guard: both neighbours
// were asked, and what each one's reading said (a silent one is consulted but no witness).
TEST_F(NeighbourAverageNode, ReportsTheReadingsItsCorrectionRestsOn) {
  make();
  const Message req = ask(10'000 * kMs);
  reply(req, 3, -6);
  node_->on_timer(LocalTime::from_ns(10'200 * kMs), kApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.evidence().consulted, 2u);
  ASSERT_EQ(out_.evidence().witnesses.size(), 1u);
  EXPECT_EQ(out_.evidence().witnesses[0].member, 3u);
  EXPECT_EQ(out_.evidence().witnesses[0].offset.ns(), -6 * kMs);
  out_.clear();
  EXPECT_EQ(out_.evidence().consulted, 0u);
  EXPECT_TRUE(out_.evidence().witnesses.empty());
}

TEST_F(NeighbourAverageNode, StrangersDuplicatesAndStaleRepliesAreNotCounted) {
  make();
  const Message req = ask(10'000 * kMs);
  reply(req, 0, 900);  // not a neighbour: never asked
  reply(req, 1, 30);
  reply(req, 1, 900);  // a duplicate
  Message stale = req;
  stale.type = MsgType::kTimeReply;
  stale.term = req.term - 1;
  stale.t3_ns = req.t1_ns + 900 * kMs;
  node_->on_message(LocalTime::from_ns(req.t1_ns + 2 * kMs), 3, stale, out_);
  EXPECT_EQ(out_.notes().size(), 3u);
  out_.clear();
  node_->on_timer(LocalTime::from_ns(10'200 * kMs), kApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta.ns(), 15 * kMs);  // mean of {0, +30}
  out_.clear();
  reply(req, 3, 900);  // after the window: too late
  EXPECT_EQ(out_.notes().size(), 1u);
  EXPECT_TRUE(out_.clock().empty());
}

TEST_F(NeighbourAverageNode, NoAnswerNoCorrection) {
  make();
  ask(10'000 * kMs);
  node_->on_timer(LocalTime::from_ns(10'200 * kMs), kApplyTimer, out_);
  EXPECT_TRUE(out_.clock().empty());
  ASSERT_EQ(out_.notes().size(), 1u);
  EXPECT_EQ(out_.notes()[0].what, NoteWhat::kNoNeighbourAnswered);
  EXPECT_EQ(out_.notes()[0].kind(), EventKind::kPeerUnreachable);
}

TEST_F(NeighbourAverageNode, HostileReadingsAreDroppedOrAveragedWithoutOverflow) {
  make();
  const Message req = ask(10'000 * kMs);
  Message r = make_message(MsgType::kTimeReply, req.seq);
  r.term = req.term;
  r.t1_ns = req.t1_ns;
  r.t3_ns = std::numeric_limits<std::int64_t>::min();  // the estimate would overflow: dropped
  node_->on_message(LocalTime::from_ns(req.t1_ns + 2 * kMs), 1, r, out_);
  r.t3_ns = std::numeric_limits<std::int64_t>::max();  // representable: averaged, not wrapped
  node_->on_message(LocalTime::from_ns(req.t1_ns + 2 * kMs), 3, r, out_);
  out_.clear();
  node_->on_timer(LocalTime::from_ns(10'200 * kMs), kApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_GT(out_.clock()[0].delta.ns(), 0);  // an averaging algorithm follows a liar: no bound
}

TEST_F(NeighbourAverageNode, SmallCorrectionsAreSlewedBelowTheThreshold) {
  config_.step_threshold = 100_ms;
  node_ = std::make_unique<NeighbourAverage>(Membership{2, members(5)}, std::vector<NodeId>{1, 3}, config_);
  const Message req = ask(10'000 * kMs);
  reply(req, 1, 30);
  node_->on_timer(LocalTime::from_ns(10'200 * kMs), kApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].mode, AdjustMode::kSlew);
}

TEST(NeighbourAverageRegistration, IsInTheCatalogueWithItsParametersAndNoBound) {
  const auto* r = algorithms::find_registration("neighbour_average", algorithms::Layer::kSync);
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->info.params.size(), 3u);
  EXPECT_EQ(r->info.params[0].name, "period");
  EXPECT_FALSE(r->bound.has_hook());
  EXPECT_NE(r->bound.no_bound_reason.find("spectral gap"), std::string::npos);
  algorithms::StackSetup s;
  s.membership = Membership{0, members(3)};
  s.sync.kind = "neighbour_average";
  s.sync.params = ParamSet::defaults(r->info.params);
  EXPECT_NE(algorithms::make_stack(s), nullptr);
}

}  // namespace
}  // namespace clocksim::neighbour_average
