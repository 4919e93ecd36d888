#include "algorithms/core/stable_state.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace clocksim
