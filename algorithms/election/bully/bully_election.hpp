// The Bully algorithm (Garcia-Molina, "Elections in a Distributed Computing System", IEEE ToC
// C-31(1), 1982) as a sans-IO ElectionLayer: the highest live id that may lead wins.
//
// A node that suspects the coordinator (no heartbeat for `failure_timeout`), or that (re)starts,
// sends ELECTION to every higher id and waits `answer_timeout` (T). No OK: it is the highest live
// node and broadcasts COORDINATOR. An OK: a higher node took over; it waits `coordinator_timeout`
// for the COORDINATOR and restarts the election if none comes. A node receiving ELECTION from a
// lower id answers OK and holds its own election. A COORDINATOR from a lower id is "bullied": the
// receiver holds an election. The coordinator broadcasts kHeartbeat every `heartbeat_period`
// (the failure detector the 1982 paper assumes); a coordinator hearing a higher coordinator's
// heartbeat steps down, which is what heals a partition.
//
// Elections are named by their initiator and its own count (ElectionId, "n6#2"): Message::term
// of ELECTION is the asker's number, OK echoes it, COORDINATOR and HEARTBEAT carry the number of
// the election their sender won. The protocol never compares them; they name, not rank.
//
// Nodes that may not lead (can_be_master = false) never answer OK and never claim; when one of
// them detects a failure it asks every other node (flag kIneligibleSender), so eligible nodes of
// any id answer and take the election over.
//
// Graceful hand-over (the daemon's SIGTERM; not in the 1982 paper, which knows only crashes): a
// coordinator shutting down broadcasts LEAVE (subject = itself, term). A node that follows it
// marks it departed and holds an election at once instead of waiting out `failure_timeout`. A
// departed id counts as dead: it is sent no ELECTION, and its HEARTBEAT or OK (sent before it
// left, arriving late) is ignored, so the highest *live* id wins -- usually the next highest
// node, which then has nobody above it to ask and claims at once. A departed id counts as alive
// again once it is heard holding an election or claiming (ELECTION or COORDINATOR), which is
// what a restarted node sends, or beating more than T (a round trip, so more than any message
// delay) after its LEAVE: a heartbeat that late was sent after it, by a node back up whose claim
// was lost (a partition) and who will not claim again. A LEAVE from anyone but the node's own coordinator starts
// nothing; its sender is still marked departed (a new coordinator's COORDINATOR may overtake the
// old one's LEAVE, and that node must not follow the leaver's late heartbeat).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/core/layers.hpp"
#include "algorithms/election/common/election_setup.hpp"
#include "algorithms/election/common/liveness.hpp"

namespace clocksim::election {

struct BullyConfig {
  Duration heartbeat_period;
  Duration failure_timeout;
  Duration answer_timeout;
  Duration coordinator_timeout;
  bool elect_on_start;
  static BullyConfig from(const ParamSet& params);
};
const std::vector<ParamSpec>& bully_param_specs();

class BullyElection final : public ElectionLayer {
 public:
  enum class State : std::uint8_t { kFollower, kElecting, kAwaitingCoordinator, kCoordinator };
  // Message::flags bit of kBullyElection: the sender may not lead (answer it whatever its id).
  static constexpr std::uint16_t kIneligibleSender = 1;

  explicit BullyElection(const ElectionSetup& setup);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void on_master_activity(NodeId master, LocalTime now, Effects& out) override;
  // A coordinator says LEAVE so that its followers elect at once; a follower leaves quietly.
  void on_shutdown(LocalTime now, Effects& out) override;
  Role role() const override;
  NodeId believed_master() const override;

  State state() const { return state_; }
  // The number of this node's latest election (0: none yet), continuing across restarts.
  std::uint32_t term() const { return term_; }
  // Said LEAVE and not heard from since: treated as dead.
  bool departed(NodeId id) const { return live_.departed(id); }

  static constexpr std::uint32_t kHeartbeatTimer = 1;
  static constexpr std::uint32_t kFailureTimer = 2;
  static constexpr std::uint32_t kAnswerTimer = 3;
  static constexpr std::uint32_t kCoordinatorTimer = 4;

 private:
  static TimerId timer(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }
  // `master_presumed_dead`: false when joining an election a lower node started while this
  // node's coordinator may well be alive (it keeps believing in it until told otherwise).
  void start_election(Effects& out, bool master_presumed_dead);
  void become_coordinator(Effects& out);
  // `why`: a reason (because(...)) with the fields it names.
  void follow(NodeId master, Effects& out, Note why);
  void cancel_election_timers(Effects& out);
  void handle_leave(NodeId from, LocalTime now, Effects& out);
  ElectionId own_election() const { return {self_, term_}; }

  NodeId self_;
  bool can_be_master_;
  BullyConfig cfg_;
  std::vector<NodeId> members_;
  State state_ = State::kFollower;
  NodeId master_ = kNoNode;
  std::uint32_t term_ = 0;  // this node's own election count
  // Heartbeats, failure timer, LEAVE, and who said LEAVE and has not been heard holding an
  // election or claiming since.
  Liveness live_;
};

}  // namespace clocksim::election
