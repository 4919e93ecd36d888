#include "sim/output/message_log.hpp"

#include <gtest/gtest.h>

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

scenario::ScenarioSpec three_nodes() {
  scenario::ScenarioSpec spec;
  spec.duration = 10_s;
  spec.tick = 1_s;
  for (NodeId i = 0; i < 3; ++i) {
    scenario::NodeSpec n;
    n.id = i;
    n.name = "n" + std::to_string(i);
    spec.nodes.push_back(n);
  }
  return spec;
}

// Each message's fate: delivered (with its arrival), lost on the way, arriving while the receiver
// is down (crashed before, restarted after), or still in flight at the end.
TEST(MessageLog, FatesFollowTheNetworkAndTheReceiversUpDownHistory) {
  const auto spec = three_nodes();
  MemoryFolder folder;
  MessageLog log(spec, folder);
  const Time t0 = Time::epoch();
  log.on_message_routed(t0 + 1_s, 0, 1, make_message(MsgType::kHeartbeat), t0 + 1002_ms);
  log.on_message_routed(t0 + 2_s, 0, 2, make_message(MsgType::kHeartbeat), std::nullopt);
  log.on_event(t0 + 3_s, 2, Note(NoteWhat::kCrashed));
  log.on_message_routed(t0 + 3500_ms, 1, 2, make_message(MsgType::kHeartbeat), t0 + 3600_ms);
  log.on_event(t0 + 4_s, 2, Note(NoteWhat::kRestarted));
  log.on_message_routed(t0 + 4_s, 1, 2, make_message(MsgType::kHeartbeat), t0 + 4100_ms);
  log.on_message_routed(t0 + 9999_ms, 2, 0, make_message(MsgType::kHeartbeat), t0 + 10001_ms);
  log.commit(t0 + 10_s);
  const std::string expected =
      "sent_ns,received_ns,from,to,type,layer,fate,election\n"
      "1000000000,1002000000,n0,n1,HEARTBEAT,election,delivered,\n"
      "2000000000,,n0,n2,HEARTBEAT,election,lost,\n"
      "3500000000,,n1,n2,HEARTBEAT,election,to_down_node,\n"
      "4000000000,4100000000,n1,n2,HEARTBEAT,election,delivered,\n"
      "9999000000,,n2,n0,HEARTBEAT,election,in_flight,\n";
  ASSERT_EQ(folder.files().count("messages.csv"), 1u);
  EXPECT_EQ(folder.files().at("messages.csv"), expected);
}

// The election column names each election message's election by its initiator's scenario name
// and number: the asker for ELECTION, the asked-for candidate for OK and ACCEPT, the initiator
// carried in value_ns for the ring.
TEST(MessageLog, ElectionColumnUsesTheScenariosNames) {
  auto spec = three_nodes();
  spec.nodes[2].name = "nice";
  MemoryFolder folder;
  MessageLog log(spec, folder);
  const Time t0 = Time::epoch();
  Message election = make_message(MsgType::kBullyElection);
  election.term = 2;
  log.on_message_routed(t0 + 1_s, 2, 0, election, t0 + 1001_ms);
  Message ok = make_message(MsgType::kBullyOk);
  ok.term = 2;
  log.on_message_routed(t0 + 1002_ms, 0, 2, ok, t0 + 1003_ms);
  Message ring = make_message(MsgType::kRingElection);
  ring.value_ns = 1;
  ring.term = 4;
  log.on_message_routed(t0 + 2_s, 0, 2, ring, t0 + 2001_ms);
  log.commit(t0 + 10_s);
  const std::string expected =
      "sent_ns,received_ns,from,to,type,layer,fate,election\n"
      "1000000000,1001000000,nice,n0,BULLY_ELECTION,election,delivered,nice#2\n"
      "1002000000,1003000000,n0,nice,BULLY_OK,election,delivered,nice#2\n"
      "2000000000,2001000000,n0,nice,RING_ELECTION,election,delivered,n1#4\n";
  EXPECT_EQ(folder.files().at("messages.csv"), expected);
}

}  // namespace
}  // namespace clocksim::sim
