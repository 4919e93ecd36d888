#include "algorithms/stack/stack.hpp"

#include <gtest/gtest.h>

#include "algorithms/registry.hpp"
#include "algorithms/election/tsp/tsp_election.hpp"
#include "tests/algorithms/stack/fakes.hpp"
#include "tests/algorithms/testing/election_helpers.hpp"

namespace clocksim::algorithms {
namespace {

using namespace clocksim::literals;
using clocksim::testing::FakeElection;
using clocksim::testing::FakeSync;

struct Built {
  FakeElection* election;
  FakeSync* sync;
  std::unique_ptr<Stack> stack;
};

Built build() {
  auto e = std::make_unique<FakeElection>();
  auto s = std::make_unique<FakeSync>();
  Built b{e.get(), s.get(), nullptr};
  b.stack = std::make_unique<Stack>(std::move(e), std::move(s));
  return b;
}

LocalTime at(Duration d) { return LocalTime::from_ns(d.ns()); }

TEST(Stack, StartsBothLayersAndTellsSyncItsInitialRole) {
  Built b = build();
  Effects out;
  b.stack->on_start(at(0_s), out);
  EXPECT_EQ(b.election->calls, (std::vector<std::string>{"start"}));
  EXPECT_EQ(b.sync->calls, (std::vector<std::string>{"start", "follow none"}));
}

TEST(Stack, RoutesMessagesByType) {
  Built b = build();
  Effects out;
  b.stack->on_start(at(0_s), out);
  b.stack->on_message(at(1_s), 4, make_message(MsgType::kElection), out);
  b.stack->on_message(at(1_s), 4, make_message(MsgType::kTimeRequest), out);
  b.stack->on_message(at(1_s), 4, make_message(MsgType::kBullyOk), out);
  b.stack->on_message(at(1_s), 4, make_message(MsgType::kAck), out);
  EXPECT_EQ(b.election->calls,
            (std::vector<std::string>{"start", "msg ELECTION from 4", "msg BULLY_OK from 4"}));
  EXPECT_EQ(b.sync->calls[2], "msg TIME_REQUEST from 4");
  EXPECT_EQ(b.sync->calls[3], "msg ACK from 4");
}

TEST(Stack, RoutesTimersByTimerSpacePart) {
  Built b = build();
  Effects out;
  b.stack->on_timer(at(1_s), TimerSpace::make(kSyncTimerPart, 7), out);
  b.stack->on_timer(at(1_s), TimerSpace::make(kElectionTimerPart, 9), out);
  EXPECT_EQ(b.sync->calls.at(0), "timer 7");
  EXPECT_EQ(b.election->calls.at(0), "timer 9");
}

TEST(Stack, LeadAndFollowAreCalledOnlyWhenLeadershipChanges) {
  Built b = build();
  Effects out;
  b.stack->on_start(at(0_s), out);
  b.stack->on_message(at(1_s), 5, make_message(MsgType::kHeartbeat), out);  // follows n5
  b.stack->on_message(at(2_s), 5, make_message(MsgType::kHeartbeat), out);  // no change
  b.stack->on_timer(at(3_s), TimerSpace::make(kElectionTimerPart, 1), out);  // becomes master
  b.stack->on_timer(at(4_s), TimerSpace::make(kElectionTimerPart, 1), out);  // still master
  b.stack->on_message(at(5_s), 6, make_message(MsgType::kHeartbeat), out);  // follows n6
  EXPECT_EQ(b.sync->calls, (std::vector<std::string>{"start", "follow none", "follow 5", "lead", "follow 6"}));
  EXPECT_EQ(b.stack->role(), Role::kSlave);
  EXPECT_EQ(b.stack->believed_master(), 6u);
}

TEST(Stack, MasterActivitySeenBySyncReachesTheElection) {
  Built b = build();
  Effects out;
  b.stack->on_message(at(1_s), 3, make_message(MsgType::kAdjust), out);
  b.stack->on_message(at(1_s), 3, make_message(MsgType::kTimeRequest), out);
  EXPECT_EQ(b.election->calls, (std::vector<std::string>{"activity 3"}));
}

TEST(Stack, AdjustFromTheMasterRestartsTheTspElectionTimer) {
  auto setup = clocksim::testing::setup_for("tsp", 2, 4);
  auto tsp = std::make_unique<election::TspElection>(setup);
  auto* tsp_ptr = tsp.get();
  auto sync = std::make_unique<FakeSync>();
  auto* sync_ptr = sync.get();
  Stack stack(std::move(tsp), std::move(sync));
  Effects out;
  stack.on_start(at(0_s), out);
  const auto req = clocksim::testing::sends_of(out, MsgType::kMasterReq);
  ASSERT_EQ(req.size(), 1u);
  Effects ack;
  stack.on_message(at(1_ms), 0, make_message(MsgType::kMasterAck, req[0].seq), ack);
  EXPECT_EQ(sync_ptr->calls.back(), "follow 0");
  Effects adj;
  stack.on_message(at(100_s), 0, make_message(MsgType::kAdjust), adj);
  EXPECT_TRUE(clocksim::testing::has_timer(
      adj, TimerSpace::make(kElectionTimerPart, election::TspElection::kElectionTimer)));
  EXPECT_EQ(tsp_ptr->believed_master(), 0u);
}

TEST(Registry, ElectionKindsAreCataloguedWithTheirParameters) {
  const AlgorithmInfo* tsp = find_algorithm("tsp", Layer::kElection);
  ASSERT_NE(tsp, nullptr);
  bool has_timeout = false;
  for (const auto& p : tsp->params) {
    if (p.name == "timeout") {
      has_timeout = true;
      EXPECT_EQ(std::get<DurationRange>(p.default_value), (DurationRange{360_s, 900_s}));
    }
  }
  EXPECT_TRUE(has_timeout);
  EXPECT_EQ(find_algorithm("tsp", Layer::kSync), nullptr);
}

TEST(Registry, MakeStackComposesAnElectionWithASyncLayer) {
  StackSetup s;
  s.membership.self = 1;
  s.membership.members = clocksim::testing::members(3);
  s.seed = 7;
  s.sync.kind = "none";
  s.election.kind = "tsp";
  s.election.params = ParamSet::defaults(find_algorithm("tsp", Layer::kElection)->params);
  auto algo = make_stack(s);
  ASSERT_NE(dynamic_cast<Stack*>(algo.get()), nullptr);
  Effects out;
  algo->on_start(at(0_s), out);
  EXPECT_EQ(clocksim::testing::sends_of(out, MsgType::kMasterReq).size(), 1u);

  s.sync.kind = "berkeley";
  s.sync.params = ParamSet::defaults(find_algorithm("berkeley", Layer::kSync)->params);
  auto with_berkeley = make_stack(s);
  ASSERT_NE(dynamic_cast<Stack*>(with_berkeley.get()), nullptr);

  s.election.kind = "raft";
  EXPECT_THROW(make_stack(s), std::invalid_argument);
}

}  // namespace
}  // namespace clocksim::algorithms
