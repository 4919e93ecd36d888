#include "algorithms/logical/logical_clocks.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <set>
#include <stdexcept>

namespace clocksim::logical {
namespace {

std::shared_ptr<const std::vector<NodeId>> members(NodeId n) {
  auto v = std::make_shared<std::vector<NodeId>>();
  for (NodeId i = 0; i < n; ++i) v->push_back(i);
  return v;
}

LogicalConfig always(double send) {
  LogicalConfig c;
  c.send_probability = send;
  return c;
}

TEST(LogicalClocks, StartArmsTheWorkloadAndIsNoEvent) {
  LogicalClocks a(Membership{0, members(3)}, always(1), 1);
  Effects out;
  a.on_start(LocalTime::from_ns(0), out);
  ASSERT_EQ(out.timers().size(), 1u);
  EXPECT_EQ(out.timers()[0].id, kLogicalEventTimer);
  EXPECT_EQ(a.last_logical_event(), nullptr);
}

TEST(LogicalClocks, ASendCarriesBothStampsAndTheReceiverMergesThem) {
  LogicalClocks a(Membership{0, members(3)}, always(1), 1);
  LogicalClocks b(Membership{1, members(3)}, always(0), 2);
  Effects out;
  // b does two local events first: its Lamport clock is ahead of a's.
  b.on_timer(LocalTime::from_ns(0), kLogicalEventTimer, out);
  b.on_timer(LocalTime::from_ns(0), kLogicalEventTimer, out);
  ASSERT_NE(b.last_logical_event(), nullptr);
  EXPECT_EQ(b.last_logical_event()->kind, LogicalEvent::Kind::kLocal);
  EXPECT_EQ(b.lamport(), 2u);
  out.clear();
  a.on_timer(LocalTime::from_ns(0), kLogicalEventTimer, out);
  const LogicalEvent* sent = a.last_logical_event();
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(sent->kind, LogicalEvent::Kind::kSend);
  EXPECT_EQ(sent->lamport, 1u);
  EXPECT_EQ(sent->vector, (std::vector<std::uint64_t>{1, 0, 0}));
  ASSERT_EQ(out.sends().size(), 1u);  // 3 nodes: the head message carries the whole vector
  const NodeId to = out.sends()[0].to;
  EXPECT_NE(to, 0u);
  Effects in;
  LogicalClocks& receiver = b;
  if (to == 1) {
    receiver.on_message(LocalTime::from_ns(0), 0, out.sends()[0].msg, in);
    const LogicalEvent* got = receiver.last_logical_event();
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->kind, LogicalEvent::Kind::kReceive);
    EXPECT_EQ(got->peer, 0u);
    EXPECT_EQ(got->lamport, 3u);  // max(2, 1) + 1
    EXPECT_EQ(got->vector, (std::vector<std::uint64_t>{1, 3, 0}));
  }
}

// A member's stamp at the end of the int64 range (well formed: the wire carries it) leaves the
// receiver's clocks at that end, not past it: what the receiver sends next is still a stamp its
// peers accept, however many events follow.
TEST(LogicalClocks, AStampAtTheEndOfTheRangeLeavesTheReceiverAbleToSend) {
  constexpr std::uint64_t kEnd = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  LogicalClocks a(Membership{0, members(2)}, always(1), 1);
  LogicalClocks b(Membership{1, members(2)}, always(0), 2);
  Effects out;
  for (const Message& m : encode_stamp(7, kEnd, {kEnd, kEnd})) a.on_message(LocalTime::from_ns(0), 1, m, out);
  ASSERT_NE(a.last_logical_event(), nullptr);
  EXPECT_EQ(a.lamport(), kEnd);
  EXPECT_EQ(a.vector(), (std::vector<std::uint64_t>{kEnd, kEnd}));
  for (int i = 0; i < 3; ++i) {
    out.clear();
    a.on_timer(LocalTime::from_ns(0), kLogicalEventTimer, out);
    ASSERT_EQ(out.sends().size(), 1u);
    Effects in;
    b.on_message(LocalTime::from_ns(0), 0, out.sends()[0].msg, in);
    ASSERT_NE(b.last_logical_event(), nullptr) << "send " << i << " refused";
    EXPECT_EQ(b.last_logical_event()->kind, LogicalEvent::Kind::kReceive);
    EXPECT_TRUE(in.notes().empty());
  }
  EXPECT_EQ(a.lamport(), kEnd);
  EXPECT_EQ(b.lamport(), kEnd);
}

TEST(LogicalClocks, AFragmentAloneIsNoEvent) {
  LogicalClocks a(Membership{0, members(9)}, always(1), 1);
  LogicalClocks b(Membership{1, members(9)}, always(0), 2);
  Effects out, in;
  a.on_timer(LocalTime::from_ns(0), kLogicalEventTimer, out);
  ASSERT_EQ(out.sends().size(), 2u);
  b.on_message(LocalTime::from_ns(0), 0, out.sends()[1].msg, in);
  EXPECT_EQ(b.last_logical_event(), nullptr);
  b.on_message(LocalTime::from_ns(0), 0, out.sends()[0].msg, in);
  ASSERT_NE(b.last_logical_event(), nullptr);
  EXPECT_EQ(b.last_logical_event()->vector[0], 1u);
}

TEST(LogicalClocks, NeighboursAreRingNeighbours) {
  LogicalConfig c = always(1);
  c.peers = PeerChoice::kNeighbours;
  LogicalClocks a(Membership{0, members(5)}, c, 3);
  for (int i = 0; i < 50; ++i) {
    Effects out;
    a.on_timer(LocalTime::from_ns(0), kLogicalEventTimer, out);
    ASSERT_EQ(out.sends().size(), 2u);  // 5 entries: a head and one fragment, to the same peer
    EXPECT_TRUE(out.sends()[0].to == 1 || out.sends()[0].to == 4);
    EXPECT_EQ(out.sends()[1].to, out.sends()[0].to);
  }
}

// clocksyncd's members have any ids (1, 2, 3 in its examples): sends go to members only, and a
// node's vector entry is its place in the membership, not its id (an id past the vector's end
// once wrote past it).
TEST(LogicalClocks, MembersWithAnyIdsSendToMembersAndTickTheirOwnPlace) {
  const auto ids = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{3, 7, 12, 40});
  for (const PeerChoice choice : {PeerChoice::kRandom, PeerChoice::kNeighbours}) {
    LogicalConfig c = always(1);
    c.peers = choice;
    LogicalClocks a(Membership{12, ids}, c, 5);
    std::set<NodeId> seen;
    for (int i = 0; i < 200; ++i) {
      Effects out;
      a.on_timer(LocalTime::from_ns(0), kLogicalEventTimer, out);
      ASSERT_EQ(out.sends().size(), 1u);  // 4 entries fit in the head
      seen.insert(out.sends()[0].to);
    }
    if (choice == PeerChoice::kRandom) {
      EXPECT_EQ(seen, (std::set<NodeId>{3, 7, 40}));
    } else {
      EXPECT_EQ(seen, (std::set<NodeId>{7, 40}));  // the members before and after 12
    }
    EXPECT_EQ(a.vector(), (std::vector<std::uint64_t>{0, 0, 200, 0}));
  }
  // A stamp from member 40 (place 3) merges entry by entry.
  LogicalClocks b(Membership{3, ids}, always(0), 6);
  Effects out;
  for (const Message& m : encode_stamp(0, 9, {0, 0, 0, 9})) b.on_message(LocalTime::from_ns(0), 40, m, out);
  EXPECT_EQ(b.vector(), (std::vector<std::uint64_t>{1, 0, 0, 9}));
}

TEST(LogicalClocks, ANodeOutsideItsMembershipIsRefused) {
  const auto ids = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{3, 7});
  EXPECT_THROW(LogicalClocks(Membership{5, ids}, always(1), 1), std::invalid_argument);
}

}  // namespace
}  // namespace clocksim::logical
