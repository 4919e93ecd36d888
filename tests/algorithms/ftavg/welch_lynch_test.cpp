#include "algorithms/ftavg/welch_lynch.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <memory>

namespace clocksim::ftavg {
namespace welch_lynch_test {

using namespace literals;
constexpr std::int64_t kMs = 1'000'000;

std::shared_ptr<const std::vector<NodeId>> members(NodeId n) {
  auto v = std::make_shared<std::vector<NodeId>>();
  for (NodeId i = 0; i < n; ++i) v->push_back(i);
  return v;
}

// docs/bounds.md §4 worked example: n = 7, f = 2, {-9, -3, -1, 0, 2, 4, 500} ms -> +0.5 ms.
TEST(FaultTolerantCombine, WorkedExampleMidpoint) {
  const auto c = fault_tolerant_combine({-9 * kMs, -3 * kMs, -1 * kMs, 0, 2 * kMs, 4 * kMs, 500 * kMs}, 2,
                                        Combine::kMidpoint);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, kMs / 2);
}

TEST(FaultTolerantCombine, MeanOfKept) {
  const auto c = fault_tolerant_combine({500 * kMs, -1 * kMs, 0, 4 * kMs, -9 * kMs, 2 * kMs, -3 * kMs}, 2,
                                        Combine::kMean);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, kMs / 3);  // (-1 + 0 + 2)/3 ms, order of input irrelevant
  // f = 0, mean: the Lundelius-Lynch average of every estimate.
  EXPECT_EQ(*fault_tolerant_combine({0, 3 * kMs, 6 * kMs}, 0, Combine::kMean), 3 * kMs);
}

TEST(FaultTolerantCombine, TooFewEstimates) {
  EXPECT_FALSE(fault_tolerant_combine({0, 1, 2, 3}, 2, Combine::kMidpoint));
  EXPECT_TRUE(fault_tolerant_combine({0, 1, 2, 3, 4}, 2, Combine::kMidpoint));
  EXPECT_FALSE(fault_tolerant_combine({}, 0, Combine::kMean));
}

TEST(FaultTolerantCombine, ExtremeValuesDoNotOverflow) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  const auto mid = fault_tolerant_combine({kMax, kMax - 2}, 0, Combine::kMidpoint);
  ASSERT_TRUE(mid);
  EXPECT_NEAR(static_cast<double>(*mid), static_cast<double>(kMax - 1), 1.0);
  const auto mean = fault_tolerant_combine({kMax, kMax, kMax}, 0, Combine::kMean);
  EXPECT_EQ(*mean, kMax);
  const auto both = fault_tolerant_combine({kMin, kMax}, 0, Combine::kMean);
  EXPECT_LE(std::llabs(*both), 1);
}

class WelchLynchNode : public ::testing::Test {
 protected:
  void make(NodeId n, std::int64_t faults, Combine combine) {
    config_.period = 10_s;
    config_.faults = faults;
    config_.combine = combine;
    config_.read_window = 500_ms;
    node_ = std::make_unique<WelchLynch>(Membership{0, members(n)}, config_);
  }
  // `from`'s answer to the round's request `req` sent at local t1: its clock reads offset_ms
  // ahead, and the answer arrives 2 ms after t1.
  void reply_to(const Message& req, std::int64_t t1, NodeId from, std::int64_t offset_ms) {
    Message r = make_message(MsgType::kTimeReply, req.seq);
    r.term = req.term;
    r.t1_ns = req.t1_ns;
    r.t2_ns = r.t3_ns = t1 + kMs + offset_ms * kMs;
    node_->on_message(LocalTime::from_ns(t1 + 2 * kMs), from, r, out_);
  }
  WelchLynchConfig config_;
  std::unique_ptr<WelchLynch> node_;
  Effects out_;
};

TEST_F(WelchLynchNode, RoundsAlignOnMultiplesOfThePeriodOfTheLocalClock) {
  make(4, 1, Combine::kMidpoint);
  node_->on_start(LocalTime::from_ns(-3'000 * kMs), out_);  // a clock 3 s behind its epoch
  ASSERT_EQ(out_.timers().size(), 1u);
  EXPECT_EQ(out_.timers()[0].id, kWelchLynchRoundTimer);
  EXPECT_EQ(out_.timers()[0].after.ns(), 3'000 * kMs);
  out_.clear();
  node_->on_start(LocalTime::from_ns(12'000 * kMs), out_);  // started once only
  EXPECT_TRUE(out_.empty());
}

TEST_F(WelchLynchNode, AnswersRequestsWithItsReading) {
  make(4, 1, Combine::kMidpoint);
  Message req = make_message(MsgType::kTimeRequest, 7);
  req.term = 7;
  req.t1_ns = 123;
  node_->on_message(LocalTime::from_ns(5 * kMs), 2, req, out_);
  ASSERT_EQ(out_.sends().size(), 1u);
  const auto& s = out_.sends()[0];
  EXPECT_EQ(s.to, 2u);
  EXPECT_EQ(s.msg.type, MsgType::kTimeReply);
  EXPECT_EQ(s.msg.term, 7u);
  EXPECT_EQ(s.msg.t1_ns, 123);
  EXPECT_EQ(s.msg.t3_ns, 5 * kMs);
}

// A full round, scripted: n = 4, f = 1. Peers at +10, -4 and +900 ms (a liar) are read with
// symmetric 1 ms delays; drop the lowest (-4) and highest (+900), midpoint of {0, 10} = +5 ms.
// clocksyncd's members have any ids: a reply counts by its sender's place in the membership, so
// every peer's reading is used (with ids as indexes, every id at or above the member count was
// discarded: here all of them, and the round had too few readings to move the clock).
TEST_F(WelchLynchNode, MembersWithAnyIdsAreAllRead) {
  config_.period = 10_s;
  config_.faults = 1;
  config_.combine = Combine::kMidpoint;
  config_.read_window = 500_ms;
  auto ids = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{10, 20, 30, 40});
  node_ = std::make_unique<WelchLynch>(Membership{10, ids}, config_);
  node_->on_start(LocalTime::from_ns(0), out_);
  out_.clear();
  const std::int64_t t1 = 10'000 * kMs;
  node_->on_timer(LocalTime::from_ns(t1), kWelchLynchRoundTimer, out_);
  const Message req = out_.sends().at(0).msg;
  out_.clear();
  auto reply = [&](NodeId from, std::int64_t offset_ms) { reply_to(req, t1, from, offset_ms); };
  reply(20, 10);
  reply(30, -4);
  reply(40, 900);
  reply(40, 900);  // a duplicate is refused
  reply(5, 7);     // not a member
  ASSERT_EQ(out_.notes().size(), 2u);
  EXPECT_EQ(out_.notes()[0].peer, 40u);
  EXPECT_EQ(out_.notes()[1].peer, 5u);
  out_.clear();
  node_->on_timer(LocalTime::from_ns(t1 + 500 * kMs), kWelchLynchApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta.ns(), 5 * kMs);  // {0, 10, -4, 900} less the extremes: (0 + 10) / 2
}

TEST_F(WelchLynchNode, OneRoundDropsTheExtremesAndStepsToTheMidpoint) {
  make(4, 1, Combine::kMidpoint);
  node_->on_start(LocalTime::from_ns(0), out_);
  out_.clear();
  const std::int64_t t1 = 10'000 * kMs;
  node_->on_timer(LocalTime::from_ns(t1), kWelchLynchRoundTimer, out_);
  ASSERT_EQ(out_.sends().size(), 1u);
  EXPECT_EQ(out_.sends()[0].to, kBroadcast);
  const Message req = out_.sends()[0].msg;
  EXPECT_EQ(req.type, MsgType::kTimeRequest);
  out_.clear();
  auto reply = [&](NodeId from, std::int64_t offset_ms) { reply_to(req, t1, from, offset_ms); };
  reply(1, 10);
  reply(2, -4);
  reply(3, 900);
  reply(3, 900);  // a duplicate is refused
  ASSERT_EQ(out_.notes().size(), 1u);
  EXPECT_EQ(out_.notes()[0].what, NoteWhat::kFtReplyDiscarded);
  EXPECT_EQ(out_.notes()[0].peer, 3u);
  EXPECT_EQ(out_.notes()[0].round, req.term);
  EXPECT_TRUE(out_.clock().empty());  // nothing applied before the window ends
  out_.clear();
  node_->on_timer(LocalTime::from_ns(t1 + 500 * kMs), kWelchLynchApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta.ns(), 5 * kMs);
  EXPECT_EQ(out_.clock()[0].mode, AdjustMode::kStep);
  EXPECT_EQ(node_->last_correction_ns(), 5 * kMs);
}

TEST_F(WelchLynchNode, StaleRepliesAndTooFewPeersChangeNothing) {
  make(4, 1, Combine::kMean);
  node_->on_start(LocalTime::from_ns(0), out_);
  node_->on_timer(LocalTime::from_ns(10'000 * kMs), kWelchLynchRoundTimer, out_);
  const Message req = out_.sends()[0].msg;
  out_.clear();
  Message old = make_message(MsgType::kTimeReply, req.seq - 1);
  old.term = req.term - 1;
  old.t1_ns = req.t1_ns - 10'000 * kMs;
  old.t3_ns = req.t1_ns;
  node_->on_message(LocalTime::from_ns(10'001 * kMs), 1, old, out_);
  ASSERT_EQ(out_.notes().size(), 1u);
  EXPECT_EQ(out_.notes()[0].what, NoteWhat::kFtReplyDiscarded);
  EXPECT_EQ(out_.notes()[0].peer, 1u);
  EXPECT_EQ(out_.notes()[0].round, req.term - 1);
  out_.clear();
  // Only one peer answers: 2 values, fewer than 2f + 1 = 3.
  Message r = make_message(MsgType::kTimeReply, req.seq);
  r.term = req.term;
  r.t1_ns = req.t1_ns;
  r.t3_ns = req.t1_ns + 50 * kMs;
  node_->on_message(LocalTime::from_ns(10'002 * kMs), 1, r, out_);
  node_->on_timer(LocalTime::from_ns(10'500 * kMs), kWelchLynchApplyTimer, out_);
  EXPECT_TRUE(out_.clock().empty());
  ASSERT_FALSE(out_.notes().empty());
  const Note& few = out_.notes().back();
  EXPECT_EQ(few.what, NoteWhat::kFtTooFewReadings);
  EXPECT_EQ(few.kind(), EventKind::kPeerUnreachable);
  EXPECT_EQ(few.round, req.term);
  EXPECT_EQ(few.count, 1u);  // peers heard
  EXPECT_EQ(few.total, 1u);  // faults to drop at each end
}

TEST_F(WelchLynchNode, SmallCorrectionsAreSlewedAboveTheThreshold) {
  config_.step_threshold = 100_ms;
  make(2, 0, Combine::kMean);
  node_->on_start(LocalTime::from_ns(0), out_);
  node_->on_timer(LocalTime::from_ns(10'000 * kMs), kWelchLynchRoundTimer, out_);
  const Message req = out_.sends()[0].msg;
  out_.clear();
  Message r = make_message(MsgType::kTimeReply, req.seq);
  r.term = req.term;
  r.t1_ns = req.t1_ns;
  r.t3_ns = req.t1_ns + kMs + 20 * kMs;  // peer +20 ms, 1 ms each way
  node_->on_message(LocalTime::from_ns(req.t1_ns + 2 * kMs), 1, r, out_);
  node_->on_timer(LocalTime::from_ns(10'500 * kMs), kWelchLynchApplyTimer, out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta.ns(), 10 * kMs);  // mean of {0, 20}
  EXPECT_EQ(out_.clock()[0].mode, AdjustMode::kSlew);
}

}  // namespace welch_lynch_test
}  // namespace clocksim::ftavg
