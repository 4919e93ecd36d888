#include "sim/output/run_analysis.hpp"

#include <gtest/gtest.h>

namespace clocksim::sim {
namespace run_analysis_test {

using namespace clocksim::literals;

scenario::ScenarioSpec spec_with(std::size_t n) {
  scenario::ScenarioSpec spec;
  spec.duration = 100_s;
  spec.tick = 1_s;
  for (NodeId i = 0; i < n; ++i) spec.nodes.push_back({i, true, "n" + std::to_string(i), {}, {}});
  return spec;
}

TickStats tick(Duration t, NodeId believed, std::uint32_t masters) {
  TickStats s;
  s.t = Time::epoch() + t;
  s.up_nodes = 4;
  s.master = believed;
  s.masters = masters;
  return s;
}

// TSP under loss: n0 won a second election while n3 was master; n3 told n0 to QUIT. For a tick
// most nodes still believe in n0, which is no longer master: n3's crash is still the failover.
TEST(RunAnalysis, StaleBeliefInAMasterThatSteppedDownDoesNotHideTheFailover) {
  const auto spec = spec_with(4);
  RunAnalysis a(spec);
  a.on_event(Time::epoch() + 17_s, 3, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 22_s, 0, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 32_s, 0, EventKind::kBecameSlave);
  a.on_tick(tick(33_s, /*believed=*/0, /*masters=*/1));
  a.on_tick(tick(34_s, 3, 1));
  a.on_event(Time::epoch() + 60_s, 3, EventKind::kCrash);
  a.on_event(Time::epoch() + 70_s, 1, EventKind::kElectionStarted);
  a.on_event(Time::epoch() + 73_s, 1, EventKind::kBecameMaster);
  a.on_tick(tick(74_s, 1, 1));
  a.finish();
  ASSERT_EQ(a.failovers().size(), 1u);
  EXPECT_EQ(a.failovers()[0].old_master, 3u);
  EXPECT_EQ(a.failovers()[0].new_master, 1u);
  EXPECT_EQ(*a.failovers()[0].elected_at - a.failovers()[0].lost_at, 13_s);
}

scenario::ScenarioSpec three_nodes() {
  scenario::ScenarioSpec spec;
  spec.duration = 100_s;
  spec.tick = 1_s;
  for (NodeId i = 0; i < 3; ++i) {
    scenario::NodeSpec n;
    n.id = i;
    n.name = "n" + std::to_string(i);
    spec.nodes.push_back(n);
  }
  return spec;
}

// Three nodes expected to keep max_skew <= 1 ms outside failovers, with 2 s to settle.
// Adds a failover_time_max expectation to spec.
void expect_failover_within(scenario::ScenarioSpec& spec, Duration limit) {
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kFailoverTimeMax;
  e.value = limit;
  spec.expects.push_back(e);
}

scenario::ScenarioSpec three_nodes_outside_failover() {
  auto spec = three_nodes();
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kMaxSkew;
  e.value = 1_ms;
  e.outside_failover = 2_s;
  spec.expects.push_back(e);
  return spec;
}

TickStats tick_at(Duration t, std::int64_t skew_ns, std::uint32_t masters, NodeId master = 0) {
  TickStats s;
  s.t = Time::epoch() + t;
  s.up_nodes = 3;
  s.max_skew_ns = skew_ns;
  s.masters = masters;
  s.master = masters > 0 ? master : kNoNode;
  return s;
}

TEST(RunAnalysis, OutsideFailoverSkipsMasterlessTicksAndTheSettleTime) {
  const auto spec = three_nodes_outside_failover();
  RunAnalysis a(spec);
  a.on_tick(tick_at(0_s, 500'000, 1));
  a.on_tick(tick_at(1_s, 9'000'000, 0));   // no master: skipped
  a.on_tick(tick_at(2_s, 9'000'000, 1));   // settling (1 s after): skipped
  a.on_tick(tick_at(3_s, 9'000'000, 1));   // settling (2 s after): skipped
  a.on_tick(tick_at(4_s, 900'000, 1));     // checked, fine
  a.finish();
  ASSERT_EQ(a.expects().size(), 1u);
  EXPECT_TRUE(a.expects()[0].passed) << a.expects()[0].detail;

  RunAnalysis b(spec);
  b.on_tick(tick_at(0_s, 500'000, 1));
  b.on_tick(tick_at(1_s, 9'000'000, 2));   // two masters: skipped
  b.on_tick(tick_at(5_s, 2'000'000, 1));   // checked: too much
  b.finish();
  EXPECT_FALSE(b.expects()[0].passed);
  EXPECT_NE(b.expects()[0].detail.find("t=5.000s"), std::string::npos) << b.expects()[0].detail;
}

// The left limit at the master's crash belongs to the interval that ends there, when the master
// was still up: outside_failover counts it, though the crash has already made the run masterless
// by the time the instant is checked.
TEST(RunAnalysis, OutsideFailoverCountsTheLeftLimitAtTheMastersCrash) {
  const auto spec = three_nodes_outside_failover();
  RunAnalysis a(spec);
  RoleTally roles(3);
  for (NodeId i = 0; i < 3; ++i) roles.update({i, i == 0 ? Role::kMaster : Role::kSlave, 0, true, false});
  a.on_roles(Time::epoch() + 1_s, roles);
  a.on_tick(tick_at(1_s, 500'000, 1));
  const Time crash = Time::epoch() + 1500_ms;
  a.on_event(crash, 0, EventKind::kCrash);
  a.on_instant(crash, 1'500'000, 0, std::nullopt, 0, 1'500'000, 3, /*left_limit=*/true);  // before: counted
  a.on_instant(crash, 1'500'000, 0, std::nullopt, 0, 1'500'000, 2);                       // after: masterless
  a.finish();
  EXPECT_FALSE(a.expects()[0].passed);
  EXPECT_NE(a.expects()[0].detail.find("t=1.500s"), std::string::npos) << a.expects()[0].detail;
}

TEST(RunAnalysis, FailoverIsTimedFromMasterCrashToNewMaster) {
  auto spec = three_nodes();
  expect_failover_within(spec, 10_s);
  scenario::ExpectSpec m;
  m.kind = scenario::ExpectSpec::Kind::kMastersAtEnd;
  m.count = 1;
  spec.expects.push_back(m);
  RunAnalysis a(spec);
  std::uint64_t sent = 100;
  a.set_message_counter(&sent);
  a.on_event(Time::epoch() + 1_s, 0, EventKind::kBecameMaster);
  a.on_tick(tick_at(2_s, 0, 1, 0));
  a.on_event(Time::epoch() + 20_s, 0, EventKind::kCrash);
  a.on_tick(tick_at(21_s, 4'000'000, 0));
  a.on_event(Time::epoch() + 24_s, 2, EventKind::kElectionStarted);
  a.on_tick(tick_at(25_s, 7'000'000, 0));
  sent = 142;
  a.on_event(Time::epoch() + 27_s, 2, EventKind::kBecameMaster);
  a.on_tick(tick_at(28_s, 1'000'000, 1, 2));
  a.finish();
  ASSERT_EQ(a.failovers().size(), 1u);
  const Failover& f = a.failovers()[0];
  EXPECT_EQ(f.old_master, 0u);
  EXPECT_EQ(f.new_master, 2u);
  EXPECT_EQ(*f.detected_at - f.lost_at, 4_s);
  EXPECT_EQ(*f.elected_at - f.lost_at, 7_s);
  EXPECT_EQ(f.max_skew_during_ns, 7'000'000);
  EXPECT_EQ(f.elections_started, 1u);
  EXPECT_TRUE(a.expects()[0].passed) << a.expects()[0].detail;
  EXPECT_TRUE(a.expects()[1].passed) << a.expects()[1].detail;
  const auto j = a.results_json();
  EXPECT_EQ(j["failovers"][0]["failover_time_ns"], 7'000'000'000);
  EXPECT_EQ(j["failovers"][0]["new_master"], "n2");
  EXPECT_EQ(j["failovers"][0]["messages_sent"], 42);
}

// Six nodes, partitioned into {n0, n1, n2} and {n5, n3, n4} at 30 s.
scenario::ScenarioSpec six_nodes_split_at_30s() {
  auto spec = spec_with(6);
  scenario::FaultSpec p;
  p.kind = scenario::FaultSpec::Kind::kPartition;
  p.at = 30_s;
  p.groups = {{0, 1, 2}, {5, 3, 4}};
  spec.faults.push_back(p);
  return spec;
}

// "Master partitioned away": the side without the master loses it at the partition and has its
// own failover, timed by its own nodes' detection and election; the master's side has none.
TEST(RunAnalysis, PartitionGivesTheSideWithoutTheMasterItsOwnFailover) {
  auto spec = six_nodes_split_at_30s();
  expect_failover_within(spec, 8_s);
  RunAnalysis a(spec);
  a.on_event(Time::epoch() + 1_s, 1, EventKind::kBecameMaster);
  a.on_tick(tick(2_s, 1, 1));
  a.on_event(Time::epoch() + 30_s, kNoNode, EventKind::kPartition);
  a.on_event(Time::epoch() + 33_s, 2, EventKind::kMasterSilent);  // master's side: not this one
  a.on_event(Time::epoch() + 35_s, 4, EventKind::kMasterSilent);
  a.on_event(Time::epoch() + 35_s, 4, EventKind::kElectionStarted);
  a.on_event(Time::epoch() + 38_s, 5, EventKind::kBecameMaster);
  a.on_tick(tick(39_s, 1, 2));
  a.finish();
  ASSERT_EQ(a.failovers().size(), 1u);
  const Failover& f = a.failovers()[0];
  EXPECT_TRUE(f.partition);
  EXPECT_EQ(f.side, (std::vector<NodeId>{3, 4, 5}));
  EXPECT_EQ(f.old_master, 1u);
  EXPECT_EQ(*f.detected_at - f.lost_at, 5_s);
  EXPECT_EQ(f.new_master, 5u);
  EXPECT_EQ(*f.elected_at - f.lost_at, 8_s);
  EXPECT_TRUE(a.expects()[0].passed) << a.expects()[0].detail;
  const auto j = a.results_json();
  EXPECT_EQ(j["failovers"][0]["cause"], "partition");
  EXPECT_EQ(j["failovers"][0]["side"], nlohmann::ordered_json::array({"n3", "n4", "n5"}));
}

// Each side that lost the master counts its own nodes' messages only: two sides electing at once
// do not each count both elections (summed over the failovers, every message once).
TEST(RunAnalysis, APartitionSideCountsOnlyItsOwnMessages) {
  auto spec = spec_with(6);
  scenario::FaultSpec p;
  p.kind = scenario::FaultSpec::Kind::kPartition;
  p.at = 30_s;
  p.groups = {{0, 1}, {2, 3}, {4, 5}};
  spec.faults.push_back(p);
  RunAnalysis a(spec);
  a.on_event(Time::epoch() + 1_s, 2, EventKind::kBecameMaster);
  a.on_tick(tick(2_s, 2, 1));
  a.on_event(Time::epoch() + 30_s, kNoNode, EventKind::kPartition);
  a.on_message_sent(Time::epoch() + 31_s, MsgType::kElection, 0);
  a.on_message_sent(Time::epoch() + 31_s, MsgType::kElection, 0);
  a.on_message_sent(Time::epoch() + 31_s, MsgType::kAccept, 1);
  a.on_message_sent(Time::epoch() + 31_s, MsgType::kElection, 4);
  a.on_message_sent(Time::epoch() + 31_s, MsgType::kHeartbeat, 2);  // the master's side
  a.on_event(Time::epoch() + 34_s, 0, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 35_s, 5, EventKind::kBecameMaster);
  a.on_message_sent(Time::epoch() + 36_s, MsgType::kAccept, 4);
  a.on_event(Time::epoch() + 40_s, kNoNode, EventKind::kHeal);
  a.finish();
  ASSERT_EQ(a.failovers().size(), 2u);
  const Failover& left = a.failovers()[0];
  const Failover& right = a.failovers()[1];
  EXPECT_EQ(left.messages_sent, 3u);
  EXPECT_EQ(left.election_messages(), 3u);
  EXPECT_EQ(left.election_by_type[static_cast<std::size_t>(MsgType::kElection)], 2u);
  EXPECT_EQ(right.messages_sent, 1u);  // up to its new master at 35 s
  EXPECT_EQ(right.election_messages(), 2u);  // its election goes on past the appointment
}

// The report names the lost master as the scenario does, not by its index.
TEST(RunAnalysis, FailoverExpectationFailsWhenNoMasterEverReturns) {
  auto spec = three_nodes();
  spec.nodes[1].name = "beta";
  expect_failover_within(spec, 10_s);
  RunAnalysis a(spec);
  a.on_event(Time::epoch() + 1_s, 1, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 5_s, 1, EventKind::kCrash);
  a.on_tick(tick_at(6_s, 0, 0));
  a.on_tick(tick_at(15_s, 0, 0));  // the run goes on for the whole allowed time, and no master
  a.finish();
  EXPECT_FALSE(a.expects()[0].passed);
  EXPECT_TRUE(a.expects()[0].evaluated);
  EXPECT_EQ(a.expects()[0].detail, "master beta lost at t=5.000s was never replaced");
}

// A master lost less than the allowed time before the end of the run may still be replaced in
// time: the run cannot tell, so that failover is not held against the expectation.
TEST(RunAnalysis, AFailoverCutShortByTheEndOfTheRunIsNotAFailure) {
  auto spec = three_nodes();
  expect_failover_within(spec, 10_s);
  {
    RunAnalysis a(spec);
    a.on_event(Time::epoch() + 1_s, 1, EventKind::kBecameMaster);
    a.on_event(Time::epoch() + 95_s, 1, EventKind::kCrash);
    a.on_tick(tick_at(100_s, 0, 0));
    a.finish();
    EXPECT_FALSE(a.expects()[0].passed);
    EXPECT_FALSE(a.expects()[0].evaluated);
    EXPECT_EQ(a.expects()[0].detail, "master n1 lost at t=95.000s, 5.000s before the end: too late to tell");
  }
  {
    RunAnalysis a(spec);  // an earlier failover that completed is still checked
    a.on_event(Time::epoch() + 1_s, 1, EventKind::kBecameMaster);
    a.on_event(Time::epoch() + 50_s, 1, EventKind::kCrash);
    a.on_event(Time::epoch() + 53_s, 2, EventKind::kBecameMaster);
    a.on_event(Time::epoch() + 95_s, 2, EventKind::kCrash);
    a.on_tick(tick_at(100_s, 0, 0));
    a.finish();
    EXPECT_TRUE(a.expects()[0].passed) << a.expects()[0].detail;
    EXPECT_TRUE(a.expects()[0].evaluated);
  }
  {
    RunAnalysis a(spec);  // exactly the allowed time left, and no master by the end: too slow
    a.on_event(Time::epoch() + 1_s, 1, EventKind::kBecameMaster);
    a.on_event(Time::epoch() + 90_s, 1, EventKind::kCrash);
    a.on_tick(tick_at(100_s, 0, 0));
    a.finish();
    EXPECT_FALSE(a.expects()[0].passed);
    EXPECT_TRUE(a.expects()[0].evaluated);
  }
}

// The messages of a failover by type: the loss-to-new-master interval counts everything (sync
// traffic and heartbeats too); the election count leaves out HEARTBEAT, LOOP and sync messages
// but follows the election past the appointment, up to the next detection after it.
TEST(RunAnalysis, FailoverMessagesAreCountedByTypeAndTheElectionUntilTheNextDetection) {
  auto spec = three_nodes();
  RunAnalysis a(spec);
  std::uint64_t sent = 0;
  a.set_message_counter(&sent);
  const auto send = [&](Duration t, MsgType type, int times) {
    for (int i = 0; i < times; ++i) {
      ++sent;
      a.on_message_sent(Time::epoch() + t, type);
    }
  };
  a.on_event(Time::epoch() + 1_s, 0, EventKind::kBecameMaster);
  a.on_tick(tick_at(2_s, 0, 1, 0));
  send(3_s, MsgType::kElection, 5);  // before the loss: not this failover's
  a.on_event(Time::epoch() + 10_s, 0, EventKind::kCrash);
  send(11_s, MsgType::kTimeRequest, 1);  // a sync message still going out
  a.on_event(Time::epoch() + 12_s, 1, EventKind::kMasterSilent);  // the detection: window stays open
  a.on_event(Time::epoch() + 12_s, 1, EventKind::kElectionStarted);
  send(12_s, MsgType::kElection, 2);
  send(12_s, MsgType::kAccept, 1);
  send(12_s, MsgType::kElectionAck, 1);
  send(15_s, MsgType::kMasterUp, 2);  // sent in the step that appoints the master, before the note
  a.on_event(Time::epoch() + 15_s, 1, EventKind::kBecameMaster);
  send(15_s, MsgType::kSlaveUp, 1);  // after the appointment: in the election count only
  send(16_s, MsgType::kLoop, 2);
  send(17_s, MsgType::kHeartbeat, 2);
  // n2 never heard of n1 (an orphan) and times out on the lost master: still this failover.
  send(18_s, MsgType::kElection, 2);
  a.on_event(Time::epoch() + 18_s, 2, EventKind::kMasterSilent);
  send(18_s, MsgType::kQuit, 1);
  a.on_event(Time::epoch() + 19_s, 2, EventKind::kBecameSlave);
  // Now a follower of n1 misses it: a new episode; its ELECTION broadcast goes out in the same
  // step as the note, just before it, and is left out too.
  send(20_s, MsgType::kElection, 2);
  a.on_event(Time::epoch() + 20_s, 2, EventKind::kMasterSilent);
  send(21_s, MsgType::kAccept, 1);
  a.on_event(Time::epoch() + 30_s, 0, EventKind::kRestart);
  send(31_s, MsgType::kMasterReq, 2);
  a.finish();

  ASSERT_EQ(a.failovers().size(), 1u);
  const Failover& f = a.failovers()[0];
  EXPECT_EQ(f.messages_sent, 7u);
  // 2 ELECTION + ACCEPT + ELECTION_ACK + 2 MASTERUP + SLAVEUP, then the orphan's 2 ELECTION + QUIT
  EXPECT_EQ(f.election_messages(), 10u);
  const auto j = a.results_json()["failovers"][0];
  EXPECT_EQ(j["messages_sent"], 7);
  EXPECT_EQ(j["messages_by_type"]["TIME_REQUEST"], 1);
  EXPECT_EQ(j["messages_by_type"]["ELECTION"], 2);
  EXPECT_EQ(j["messages_by_type"]["MASTERUP"], 2);
  EXPECT_FALSE(j["messages_by_type"].contains("SLAVEUP"));
  EXPECT_EQ(j["election_messages"], 10);
  EXPECT_EQ(j["election_messages_by_type"]["SLAVEUP"], 1);
  EXPECT_FALSE(j["election_messages_by_type"].contains("TIME_REQUEST"));
  EXPECT_FALSE(j["election_messages_by_type"].contains("LOOP"));
  EXPECT_FALSE(j["election_messages_by_type"].contains("HEARTBEAT"));
  EXPECT_FALSE(j["election_messages_by_type"].contains("MASTERREQ"));
  EXPECT_EQ(j["election_messages_by_type"]["ELECTION"], 4);
  EXPECT_EQ(j["election_messages_by_type"]["ACCEPT"], 1);
  EXPECT_EQ(j["election_messages_by_type"]["QUIT"], 1);
}

TEST(RunAnalysis, TheNextFaultClosesTheElectionWindow) {
  auto spec = three_nodes();
  RunAnalysis a(spec);
  a.on_event(Time::epoch() + 1_s, 0, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 10_s, 0, EventKind::kCrash);
  a.on_message_sent(Time::epoch() + 11_s, MsgType::kRingElection);
  a.on_event(Time::epoch() + 12_s, 1, EventKind::kBecameMaster);
  a.on_message_sent(Time::epoch() + 12_s, MsgType::kRingElected);
  a.on_event(Time::epoch() + 20_s, kNoNode, EventKind::kPartition);
  a.on_message_sent(Time::epoch() + 21_s, MsgType::kRingElection);
  a.finish();
  EXPECT_EQ(a.failovers()[0].election_messages(), 2u);
}

// Faults listed in either order happen at the same instant: a second crash at the instant the
// master is lost is part of that loss, not the next fault that ends its election window.
TEST(RunAnalysis, AFaultAtTheInstantOfTheLossDoesNotCloseItsElectionWindow) {
  for (const bool master_first : {true, false}) {
    auto spec = three_nodes();
    RunAnalysis a(spec);
    a.on_event(Time::epoch() + 1_s, 0, EventKind::kBecameMaster);
    a.on_tick(tick_at(2_s, 0, 1, 0));
    if (!master_first) a.on_event(Time::epoch() + 10_s, 1, EventKind::kCrash);
    a.on_event(Time::epoch() + 10_s, 0, EventKind::kCrash);
    if (master_first) a.on_event(Time::epoch() + 10_s, 1, EventKind::kCrash);
    a.on_message_sent(Time::epoch() + 11_s, MsgType::kRingElection);
    a.on_event(Time::epoch() + 12_s, 2, EventKind::kBecameMaster);
    a.on_message_sent(Time::epoch() + 12_s, MsgType::kRingElected);
    a.finish();
    ASSERT_EQ(a.failovers().size(), 1u) << master_first;
    EXPECT_EQ(a.failovers()[0].election_messages(), 2u) << master_first;
  }
}

// A partition and the master's crash at one instant give the same failovers whichever is listed
// first: the side cut off lost the master as much as the rest did.
TEST(RunAnalysis, APartitionAndTheMastersCrashAtOneInstantGiveTheSameFailoversInEitherOrder) {
  auto spec = six_nodes_split_at_30s();
  std::vector<nlohmann::ordered_json> results;
  for (const bool crash_first : {true, false}) {
    RunAnalysis a(spec);
    a.on_event(Time::epoch() + 1_s, 1, EventKind::kBecameMaster);
    a.on_tick(tick(2_s, 1, 1));
    if (crash_first) a.on_event(Time::epoch() + 30_s, 1, EventKind::kCrash);
    a.on_event(Time::epoch() + 30_s, kNoNode, EventKind::kPartition);
    if (!crash_first) a.on_event(Time::epoch() + 30_s, 1, EventKind::kCrash);
    a.on_event(Time::epoch() + 33_s, 2, EventKind::kElectionStarted);
    a.on_message_sent(Time::epoch() + 33_s, MsgType::kBullyElection, 2);
    a.on_event(Time::epoch() + 34_s, 2, EventKind::kBecameMaster);
    a.on_event(Time::epoch() + 35_s, 4, EventKind::kElectionStarted);
    a.on_message_sent(Time::epoch() + 35_s, MsgType::kBullyElection, 4);
    a.on_event(Time::epoch() + 36_s, 5, EventKind::kBecameMaster);
    a.on_tick(tick(39_s, 2, 2));
    a.finish();
    ASSERT_EQ(a.failovers().size(), 2u) << crash_first;
    results.push_back(a.results_json()["failovers"]);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0][0]["cause"], "crash");
  EXPECT_EQ(results[0][1]["cause"], "partition");
  EXPECT_EQ(results[0][1]["new_master"], "n5");
}

// n7 leads seven nodes from 1 s; n0, cut off alone, makes itself master at 32 s; n7 crashes at 40 s.
void n7_leads_n0_alone_then_n7_crashes(RunAnalysis& a) {
  a.on_event(Time::epoch() + 1_s, 7, EventKind::kBecameMaster);
  a.on_tick(tick(2_s, 7, 1));
  a.on_event(Time::epoch() + 32_s, 0, EventKind::kBecameMaster);
  a.on_tick(tick(33_s, 7, 2));
  a.on_event(Time::epoch() + 40_s, 7, EventKind::kCrash);
}

// n7 leads seven nodes; n0, cut off alone, made itself master later. The crash of n7, the
// master most nodes follow, is a failover although n0 was the last to become master.
TEST(RunAnalysis, TheCrashOfTheMasterMostNodesFollowIsAFailoverWhateverBecameMasterLast) {
  const auto spec = spec_with(8);
  RunAnalysis a(spec);
  n7_leads_n0_alone_then_n7_crashes(a);
  a.on_event(Time::epoch() + 43_s, 6, EventKind::kElectionStarted);
  a.on_event(Time::epoch() + 44_s, 6, EventKind::kBecameMaster);
  a.finish();
  ASSERT_EQ(a.failovers().size(), 1u);
  const Failover& f = a.failovers()[0];
  EXPECT_EQ(f.old_master, 7u);
  EXPECT_EQ(f.new_master, 6u);
  EXPECT_EQ(*f.elected_at - f.lost_at, 4_s);
}

// The orphans of a crashed master may follow a master that is already there (TSP's slaves of a
// silent master join the one that answers): that master is the failover's new master.
TEST(RunAnalysis, OrphansJoiningAMasterAlreadyThereCompleteTheFailover) {
  const auto spec = spec_with(8);
  RunAnalysis a(spec);
  n7_leads_n0_alone_then_n7_crashes(a);
  a.on_event(Time::epoch() + 43_s, 3, EventKind::kMasterSilent);
  a.on_event(Time::epoch() + 44_s, 3, EventKind::kBecameSlave, 0);
  a.on_event(Time::epoch() + 45_s, 4, EventKind::kBecameSlave, 0);
  a.finish();
  ASSERT_EQ(a.failovers().size(), 1u);
  const Failover& f = a.failovers()[0];
  EXPECT_EQ(f.old_master, 7u);
  ASSERT_TRUE(f.elected_at);
  EXPECT_EQ(f.new_master, 0u);
  EXPECT_EQ(*f.detected_at - f.lost_at, 3_s);
  EXPECT_EQ(*f.elected_at - f.lost_at, 4_s);
}

TEST(RunAnalysis, AnElectionNeverFinishedStillCountsItsMessagesToTheEnd) {
  auto spec = three_nodes();
  RunAnalysis a(spec);
  a.on_event(Time::epoch() + 1_s, 1, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 5_s, 1, EventKind::kCrash);
  a.on_message_sent(Time::epoch() + 6_s, MsgType::kBullyElection);
  a.on_message_sent(Time::epoch() + 7_s, MsgType::kBullyOk);
  a.on_tick(tick_at(8_s, 0, 0));
  a.finish();
  const auto j = a.results_json()["failovers"][0];
  EXPECT_TRUE(j["messages_by_type"].is_null());
  EXPECT_TRUE(j["messages_sent"].is_null());
  EXPECT_EQ(j["election_messages"], 2);
}

// The default warm-up ends once every node that takes time (not the master) has had its first
// correction take effect, a slew's end included; the steady figures start there.
TEST(RunAnalysis, DefaultWarmupIsTheFirstFullRoundIncludingSlews) {
  auto spec = three_nodes();
  spec.algorithm.sync.kind = "berkeley";
  spec.clocks.max_slew_ppm = 1000;  // 1 ms of correction takes 1 s
  RunAnalysis a(spec);
  auto roles = [](Role r0) {
    RoleTally v(3);
    for (NodeId i = 0; i < 3; ++i) v.update({i, i == 0 ? r0 : Role::kSlave, 0, true, false});
    return v;
  };
  auto skew_tick = [](Duration t, std::int64_t skew) {
    TickStats s;
    s.t = Time::epoch() + t;
    s.up_nodes = 3;
    s.max_skew_ns = skew;
    s.masters = 1;
    return s;
  };
  a.on_roles(Time::epoch() + 1_s, roles(Role::kMaster));
  a.on_tick(skew_tick(1_s, 50'000'000));
  a.on_clock_adjust(Time::epoch() + 1500_ms, 1, Duration::from_ns(2'000'000), AdjustMode::kSlew);  // ends at 3.5 s
  a.on_clock_adjust(Time::epoch() + 1500_ms, 2, Duration::from_ns(-1'000'000), AdjustMode::kStep);
  for (int s = 2; s <= 6; ++s) {
    a.on_roles(Time::epoch() + Duration::from_ns(s * 1'000'000'000LL), roles(Role::kMaster));
    a.on_tick(skew_tick(Duration::from_ns(s * 1'000'000'000LL), s < 4 ? 40'000'000 : 1'000'000 * s));
  }
  a.finish();
  ASSERT_TRUE(a.steady_from().has_value());
  EXPECT_EQ(*a.steady_from(), Time::epoch() + 4_s);
  EXPECT_EQ(a.warmup_rule(), "first_round");
  const auto j = a.results_json();
  EXPECT_EQ(j["warmup_ns"], 4'000'000'000LL);
  EXPECT_EQ(j["max_skew_ns"], 50'000'000);
  EXPECT_EQ(j["max_skew_after_warmup_ns"], 6'000'000);
  EXPECT_EQ(j["steady_skew_mean_ns"], 5'000'000);
  EXPECT_EQ(j["steady_skew_p50_ns"], 5'000'000);
  EXPECT_EQ(j["steady_skew_p99_ns"], 6'000'000);
}

// A slew so slow that it would take longer than int64 nanoseconds can count (1 ms at 1e-10 ppm:
// 10^22 ns) never ends within the run: the warm-up it belongs to is never over. Its end is
// saturated, not converted out of range (which made it land before it began).
TEST(RunAnalysis, ASlewLongerThanTimeCanCountNeverEndsTheWarmup) {
  auto spec = three_nodes();
  spec.algorithm.sync.kind = "berkeley";
  spec.clocks.max_slew_ppm = 1e-10;
  RunAnalysis a(spec);
  RoleTally roles(3);
  for (NodeId i = 0; i < 3; ++i) roles.update({i, i == 0 ? Role::kMaster : Role::kSlave, 0, true, false});
  a.on_roles(Time::epoch() + 1_s, roles);
  a.on_clock_adjust(Time::epoch() + 1500_ms, 1, Duration::from_ns(1'000'000), AdjustMode::kSlew);
  a.on_clock_adjust(Time::epoch() + 1500_ms, 2, Duration::from_ns(-1'000'000), AdjustMode::kSlew);
  for (int s = 2; s <= 6; ++s) {
    a.on_roles(Time::epoch() + Duration::from_ns(s * 1'000'000'000LL), roles);
    TickStats t;
    t.t = Time::epoch() + Duration::from_ns(s * 1'000'000'000LL);
    t.masters = 1;
    a.on_tick(t);
  }
  a.finish();
  EXPECT_FALSE(a.steady_from().has_value());
  EXPECT_TRUE(a.results_json()["warmup_ns"].is_null());
}

TEST(RunAnalysis, ScenarioWarmupWinsAndAWarmupNeverReachedIsNull) {
  auto spec = three_nodes();
  spec.algorithm.sync.kind = "berkeley";
  {
    RunAnalysis a(spec);  // no correction ever: no steady state
    TickStats s;
    s.t = Time::epoch() + 5_s;
    s.max_skew_ns = 7;
    a.on_tick(s);
    a.finish();
    const auto j = a.results_json();
    EXPECT_TRUE(j["warmup_ns"].is_null());
    EXPECT_TRUE(j["max_skew_after_warmup_ns"].is_null());
    EXPECT_TRUE(j["steady_skew_mean_ns"].is_null());
  }
  spec.warmup = 2_s;
  RunAnalysis a(spec);
  EXPECT_EQ(a.warmup_rule(), "scenario");
  ASSERT_TRUE(a.steady_from().has_value());
  EXPECT_EQ(*a.steady_from(), Time::epoch() + 2_s);
}

// An expectation with nothing to check against is reported as not evaluated, not as failed.
TEST(RunAnalysis, ExpectationsWithoutABoundAreNotEvaluated) {
  auto spec = three_nodes();
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kMaxSkew;
  e.use_bound = true;
  spec.expects.push_back(e);
  RunAnalysis a(spec);
  TickStats s;
  s.t = Time::epoch() + 1_s;
  a.on_tick(s);
  a.finish();
  ASSERT_EQ(a.expects().size(), 1u);
  EXPECT_FALSE(a.expects()[0].passed);
  EXPECT_FALSE(a.expects()[0].evaluated);
}

TickStats offsets_at(Duration t, std::int64_t lo_ns, std::int64_t hi_ns) {
  TickStats s = tick_at(t, hi_ns - lo_ns, 1);
  s.min_offset_ns = lo_ns;
  s.max_offset_ns = hi_ns;
  s.max_abs_offset_ns = std::max(lo_ns < 0 ? -lo_ns : lo_ns, hi_ns < 0 ? -hi_ns : hi_ns);
  return s;
}

TEST(RunAnalysis, OffsetExpectationIsTwoSidedAndSigned) {
  auto spec = three_nodes();
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kOffset;
  e.value = 180_s;
  e.within = 1_ms;
  spec.expects.push_back(e);
  RunAnalysis exact(spec);
  exact.on_tick(offsets_at(1_s, 180'000'000'000 - 1'000'000, 180'000'000'000 + 1'000'000));
  exact.finish();
  EXPECT_TRUE(exact.expects()[0].passed) << exact.expects()[0].detail;
  RunAnalysis behind(spec);  // three minutes behind: |offset| right, the sign wrong
  behind.on_tick(offsets_at(1_s, -180'000'000'000, -180'000'000'000));
  behind.finish();
  EXPECT_FALSE(behind.expects()[0].passed);
  RunAnalysis short_by_2ms(spec);  // one clock 2 ms short of the expected offset
  short_by_2ms.on_tick(offsets_at(1_s, 180'000'000'000 - 2'000'000, 180'000'000'000));
  short_by_2ms.finish();
  EXPECT_FALSE(short_by_2ms.expects()[0].passed);
  EXPECT_NE(short_by_2ms.expects()[0].detail.find("exceeded by 1.000ms"), std::string::npos)
      << short_by_2ms.expects()[0].detail;
}

// An expected offset at either end of the range (accepted: a duration is any int64 of
// nanoseconds) against clocks of the other sign: the distance is past int64, and a wrapped
// negative distance read as within every tolerance.
TEST(RunAnalysis, AnOffsetExpectationAtTheEndOfTheRangeFailsClocksFarFromIt) {
  for (const Duration expected : {Duration::max(), Duration::from_ns(-Duration::max().ns())}) {
    auto spec = three_nodes();
    scenario::ExpectSpec e;
    e.kind = scenario::ExpectSpec::Kind::kOffset;
    e.value = expected;
    e.within = 1_ms;
    spec.expects.push_back(e);
    RunAnalysis a(spec);
    a.on_tick(offsets_at(1_s, -1'000'000'000, 1'000'000'000));
    a.finish();
    EXPECT_FALSE(a.expects()[0].passed) << expected.ns() << ": " << a.expects()[0].detail;
    EXPECT_TRUE(a.expects()[0].evaluated);
  }
}

// `causality: consistent` holds only when the stamps were checked and agree with happened-before:
// a violation fails it, and a run with no event or too many to check leaves it not evaluated
// (never a pass that checked nothing).
TEST(RunAnalysis, CausalityExpectationFollowsTheHappenedBeforeCheck) {
  auto spec = three_nodes();
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kCausality;
  spec.expects.push_back(e);
  CausalityReport sound;
  sound.events = 12;
  sound.happened_before = 30;
  CausalityReport broken = sound;
  broken.lamport_violations = 2;
  CausalityReport missed = sound;
  missed.vector_missed_order = 1;
  struct Case {
    std::uint64_t events;
    std::optional<CausalityReport> report;
    bool passed, evaluated;
    const char* detail;
  };
  for (const Case& c : {Case{12, sound, true, true, "0 Lamport violation(s)"},
                        Case{12, broken, false, true, "2 Lamport violation(s)"},
                        Case{12, missed, false, true, "1 happened-before pair(s) the vectors miss"},
                        Case{0, std::nullopt, false, false, "no logical-clock event"},
                        Case{30'000, std::nullopt, false, false, "not checked"}}) {
    RunAnalysis a(spec);
    a.on_tick(offsets_at(1_s, 0, 0));
    a.set_causality(c.events, c.report);
    a.finish();
    const ExpectResult& r = a.expects()[0];
    EXPECT_EQ(r.passed, c.passed) << r.detail;
    EXPECT_EQ(r.evaluated, c.evaluated) << r.detail;
    EXPECT_NE(r.detail.find(c.detail), std::string::npos) << r.detail;
    EXPECT_EQ(r.text, "causality consistent");
  }
}

// A tick or instant with no node up has no clock to measure: its zeros neither fail an offset
// expectation nor pass a skew or |offset| one. Over an interval with no node up at all, every
// one of them is not evaluated, and says why.
TEST(RunAnalysis, AnInstantWithNoNodeUpCountsForNoExpectation) {
  auto spec = three_nodes();
  for (auto kind : {scenario::ExpectSpec::Kind::kOffset, scenario::ExpectSpec::Kind::kMaxAbsOffset,
                    scenario::ExpectSpec::Kind::kMaxSkew}) {
    scenario::ExpectSpec e;
    e.kind = kind;
    e.value = kind == scenario::ExpectSpec::Kind::kOffset ? 5_ms : 1_ns;
    e.after = 2_s;
    spec.expects.push_back(e);
  }
  RunAnalysis none_up(spec);
  TickStats empty = offsets_at(2_s, 0, 0);
  empty.up_nodes = 0;
  none_up.on_tick(empty);
  none_up.on_instant(Time::epoch() + 2500_ms, 0, 0, std::nullopt, 0, 0, 0);
  none_up.finish();
  for (const auto& r : none_up.expects()) {
    EXPECT_FALSE(r.evaluated) << r.text << ": " << r.detail;
    EXPECT_NE(r.detail.find("no tick with a correct node up (one neither down nor Byzantine)"), std::string::npos) << r.detail;
  }
  RunAnalysis one_up(spec);  // the same zeros from a node that is up are measured
  TickStats zero = offsets_at(2_s, 0, 0);
  zero.up_nodes = 1;
  one_up.on_tick(zero);
  one_up.finish();
  EXPECT_FALSE(one_up.expects()[0].passed);
  EXPECT_TRUE(one_up.expects()[0].evaluated);
  EXPECT_TRUE(one_up.expects()[1].passed);
}

// The left limit of an instant is the state just before it: at the instant a window starts
// (expect's `after`, the warm-up) it lies outside the window, at the instant one ends inside.
TEST(RunAnalysis, TheLeftLimitAtAWindowsStartIsOutsideIt) {
  auto spec = three_nodes();
  spec.warmup = 30_s;
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kMaxSkew;
  e.value = 1_ms;
  e.after = 30_s;
  spec.expects.push_back(e);
  scenario::ExpectSpec floor = e;
  floor.value = 200_ms;
  floor.at_least = 100_ms;
  spec.expects.push_back(floor);
  scenario::ExpectSpec until = e;
  until.after = Duration::zero();
  until.until = 10_s;
  spec.expects.push_back(until);
  RunAnalysis a(spec);
  const Time at_30 = Time::epoch() + 30_s;
  a.on_instant(Time::epoch() + 10_s, 100'000'000, 50'000'000, std::nullopt, -50'000'000, 50'000'000, 2, /*left_limit=*/true);
  a.on_instant(at_30, 100'000'000, 50'000'000, std::nullopt, -50'000'000, 50'000'000, 2, /*left_limit=*/true);
  a.on_instant(at_30, 0, 0, std::nullopt, 0, 0, 2);
  a.on_tick(offsets_at(31_s, 0, 0));
  a.finish();
  EXPECT_TRUE(a.expects()[0].passed) << a.expects()[0].detail;
  EXPECT_FALSE(a.expects()[1].passed) << "nothing in the window reaches 100 ms: " << a.expects()[1].detail;
  EXPECT_FALSE(a.expects()[2].passed) << "the left limit at `until` is inside: " << a.expects()[2].detail;
  EXPECT_EQ(a.results_json()["max_skew_after_warmup_ns"], 0);
}

TEST(RunAnalysis, AtLeastFailsARunThatNeverReachesTheHandCalculatedValue) {
  auto spec = three_nodes();
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kMaxSkew;
  e.value = 80_ms;
  e.at_least = 80_ms;
  spec.expects.push_back(e);
  RunAnalysis reached(spec);
  reached.on_tick(tick_at(1_s, 20'000'000, 1));
  reached.on_instant(Time::epoch() + 2_s, 80'000'000, 40'000'000, std::nullopt, -40'000'000, 40'000'000, 3);
  reached.finish();
  EXPECT_TRUE(reached.expects()[0].passed) << reached.expects()[0].detail;
  RunAnalysis idle(spec);  // nothing drifts: within the upper limit, but not the closed form
  idle.on_tick(tick_at(1_s, 0, 1));
  idle.on_tick(tick_at(2_s, 79'999'999, 1));
  idle.finish();
  EXPECT_FALSE(idle.expects()[0].passed);
  EXPECT_NE(idle.expects()[0].detail.find("below the lower limit"), std::string::npos) << idle.expects()[0].detail;
}

// A skew far beyond a tiny bound (here 2·10^13 times a 1 ns bound: 2·10^19 ppm, past int64)
// is the worst ratio, saturated; a plain conversion wrapped it to a negative number, which was
// never the worst, and summary.json said null.
TEST(RunAnalysis, ARatioPastTheInt64RangeOfPpmIsTheWorstSaturated) {
  const auto spec = three_nodes();  // the analysis keeps a reference
  RunAnalysis a(spec);
  TickStats s = tick_at(1_s, 20'000'000'000'000, 1);
  s.bound = Duration::from_ns(1);
  a.on_tick(s);
  a.finish();
  const auto j = a.results_json();
  ASSERT_TRUE(j["worst_skew_over_bound"].is_number()) << j.dump();
  EXPECT_GT(j["worst_skew_over_bound"].get<double>(), 9e12);
  EXPECT_EQ(j["worst_skew_over_bound_at_ns"], 1'000'000'000);
}

}  // namespace run_analysis_test
}  // namespace clocksim::sim
