#include "algorithms/core/stable_state.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace clocksim {
namespace {

Note election_note(NodeId initiator, std::uint32_t number) {
  Note n(NoteWhat::kBullyElectionStarted);
  n.election = ElectionId{initiator, number};
  return n;
}

TEST(StableState, ElectionsCountOnlyThoseThisNodeStartedAndOnlyUpwards) {
  StableState s;
  Effects fx;
  fx.note(election_note(2, 5));  // another node's election
  EXPECT_FALSE(advance_stable_state(s, 1, fx, nullptr));
  EXPECT_EQ(s.elections_started, 0u);
  fx.note(election_note(1, 3));
  EXPECT_TRUE(advance_stable_state(s, 1, fx, nullptr));
  EXPECT_EQ(s.elections_started, 3u);
  Effects older;
  older.note(election_note(1, 2));
  EXPECT_FALSE(advance_stable_state(s, 1, older, nullptr));
  EXPECT_EQ(s.elections_started, 3u);
}

TEST(StableState, TheLatestLogicalEventIsKeptOnceAndASendMovesTheNextId) {
  StableState s;
  const Effects none;
  LogicalEvent send{LogicalEvent::Kind::kSend, 2, 7, 4, {1, 4, 0}};
  EXPECT_TRUE(advance_stable_state(s, 1, none, &send));
  EXPECT_EQ(s.logical.lamport, 4u);
  EXPECT_EQ(s.logical.next_message_id, 8u);
  EXPECT_EQ(s.logical.vector, (std::vector<std::uint64_t>{1, 4, 0}));
  // The same event reported again (a dispatch the algorithm did not stamp): nothing to save.
  EXPECT_FALSE(advance_stable_state(s, 1, none, &send));
  LogicalEvent receive{LogicalEvent::Kind::kReceive, 0, 3, 9, {6, 5, 0}};
  EXPECT_TRUE(advance_stable_state(s, 1, none, &receive));
  EXPECT_EQ(s.logical.lamport, 9u);
  EXPECT_EQ(s.logical.next_message_id, 8u);  // a receive names the sender's id, not ours
  EXPECT_EQ(s.logical.vector, (std::vector<std::uint64_t>{6, 5, 0}));
}

// A member can put a node's Lamport clock at the end of its range with one stamp; its later events
// share that time. They are still kept: a send moves the next message id on and a receive the
// vector, so that a restart neither reuses an id sent since nor turns the vector clock back.
TEST(StableState, EventsAtTheEndOfTheLamportRangeAreStillKept) {
  constexpr std::uint64_t kEnd = std::numeric_limits<std::int64_t>::max();
  StableState s;
  const Effects none;
  LogicalEvent pushed{LogicalEvent::Kind::kReceive, 2, 0, kEnd, {kEnd, 1, kEnd}};
  EXPECT_TRUE(advance_stable_state(s, 1, none, &pushed));
  LogicalEvent send{LogicalEvent::Kind::kSend, 2, 7, kEnd, {kEnd, 1, kEnd}};
  EXPECT_TRUE(advance_stable_state(s, 1, none, &send));
  EXPECT_EQ(s.logical.next_message_id, 8u);
  EXPECT_FALSE(advance_stable_state(s, 1, none, &send));  // the same event again
  LogicalEvent next{LogicalEvent::Kind::kSend, 0, 8, kEnd, {kEnd, 1, kEnd}};
  EXPECT_TRUE(advance_stable_state(s, 1, none, &next));
  EXPECT_EQ(s.logical.next_message_id, 9u);
  LogicalEvent receive{LogicalEvent::Kind::kReceive, 0, 4, kEnd, {kEnd, 6, kEnd}};
  EXPECT_TRUE(advance_stable_state(s, 1, none, &receive));
  EXPECT_EQ(s.logical.vector, (std::vector<std::uint64_t>{kEnd, 6, kEnd}));
  EXPECT_EQ(s.logical.next_message_id, 9u);
  EXPECT_FALSE(advance_stable_state(s, 1, none, &receive));
  // Lamport clocks only (no vector): the sends alone move it on.
  StableState lamport_only;
  LogicalEvent a{LogicalEvent::Kind::kSend, 2, 3, kEnd, {}};
  LogicalEvent b{LogicalEvent::Kind::kSend, 2, 4, kEnd, {}};
  EXPECT_TRUE(advance_stable_state(lamport_only, 1, none, &a));
  EXPECT_TRUE(advance_stable_state(lamport_only, 1, none, &b));
  EXPECT_FALSE(advance_stable_state(lamport_only, 1, none, &b));
  EXPECT_EQ(lamport_only.logical.next_message_id, 5u);
}

}  // namespace
}  // namespace clocksim
