// Ring election (LeLann 1977; Chang & Roberts, CACM 22(5), 1979) as a sans-IO ElectionLayer.
//
// The logical ring is the members in ascending id order, wrapping around. A node that suspects
// the master (no heartbeat for `failure_timeout`) initiates: it sends ELECTION(initiator = self,
// best = self) to its successor. Each node forwards it with best = max(best, own id) (own id only
// if it may lead). Chang-Roberts extinction: an initiator swallows an election started by a lower
// initiator, so of concurrent elections only the highest initiator's completes. When the message
// returns to its initiator, best is the winner and the initiator sends ELECTED around the ring;
// every node adopts the winner as it passes, and the winner becomes master.
//
// Crashed nodes are skipped: every hop is acknowledged (kElectionAck echoing seq). A hop not
// acknowledged after `hop_sends` sends (wait `hop_timeout`) goes to the next successor instead, so
// the ring closes over dead nodes. A participant that sees no ELECTED within `election_timeout`
// starts again. The master heartbeats (kHeartbeat); a master hearing a higher master's heartbeat
// steps down, and a node with no master adopts a heartbeating one, which heals partitions. A
// follower whose master has been silent for half the failure timeout adopts a lower heartbeating
// master too (an election it has not heard of yet replaced its master): it does not start a
// needless election round the ring; a live higher master's next heartbeat wins it back.
// Message fields: subject = best candidate or winner, value_ns = initiator id, term = that
// initiator's election number (with the initiator, the ElectionId "n6#2"; numbers continue across
// a restart where the host carries them, ElectionSetup::elections_before), t1_ns = the
// initiator's incarnation stamp (random per start): a copy with a stamp already seen from that
// initiator and a number no higher than seen with it is a repeat or superseded (RingCopies).
//
// Graceful hand-over (the daemon's SIGTERM; LeLann and Chang-Roberts know only crashes): a master
// shutting down broadcasts LEAVE (subject = itself, term). Each of its followers marks it
// departed and initiates after a pause drawn from its own stream within [0, hop_timeout], so the
// first initiator's ELECTION usually reaches the others before they start their own (extinction
// settles the rest). A departed node is skipped as a successor without waiting for it to miss
// its acknowledgements, is never put forward as best (a best naming it is dropped and the
// forwarding node puts itself forward instead), an ELECTED naming it is not adopted, and its late
// heartbeat is ignored. It counts as alive again once it is heard in an election: it sends an
// ELECTION or ELECTED itself, initiates one, or a node that heard it directly vouches for it as
// best (flag kBestIsBack), or it beats more than hop_timeout (a round trip) after its LEAVE,
// which a heartbeat sent before the LEAVE cannot (a master back up whose ELECTED was lost in a
// partition never sends another). A LEAVE from anyone but the node's own master starts nothing, but
// its sender is still marked departed (an ELECTION may overtake the master's LEAVE).
//
// An ELECTION or ELECTED whose initiator, or whose best or winner, is not a member is acknowledged
// and dropped (note ring_foreign_id_dropped): it is nobody's election and nobody to follow, so what
// a node remembers per initiator stays bounded by the membership.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/layers.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/election/common/ack_sender.hpp"
#include "algorithms/election/common/election_setup.hpp"
#include "algorithms/election/common/liveness.hpp"
#include "algorithms/election/ring/ring_copies.hpp"

namespace clocksim::election {

struct RingConfig {
  Duration heartbeat_period;
  Duration failure_timeout;
  Duration hop_timeout;
  std::int64_t hop_sends;
  Duration election_timeout;
  static RingConfig from(const ParamSet& params);
};
const std::vector<ParamSpec>& ring_param_specs();

class RingElection final : public ElectionLayer {
 public:
  enum class State : std::uint8_t { kFollower, kParticipant, kMaster };

  explicit RingElection(const ElectionSetup& setup);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void on_master_activity(NodeId master, LocalTime now, Effects& out) override;
  // A master says LEAVE so that its followers elect at once; a follower leaves quietly.
  void on_shutdown(LocalTime now, Effects& out) override;
  Role role() const override;
  NodeId believed_master() const override;

  State state() const { return state_; }
  // The ring neighbour after `id` (ascending ids, wrapping), skipping departed nodes.
  NodeId successor_of(NodeId id) const;
  // Said LEAVE and not heard in an election since: skipped, never elected.
  bool departed(NodeId id) const { return live_.departed(id); }

  // Message::flags bit of ELECTION / ELECTED: the node named in subject was heard directly after
  // it had left (it is back), so nodes that still count it departed may keep it as best.
  static constexpr std::uint16_t kBestIsBack = 1;

  static constexpr std::uint32_t kHeartbeatTimer = 1;
  static constexpr std::uint32_t kFailureTimer = 2;
  static constexpr std::uint32_t kElectionTimer = 3;
  static constexpr std::uint32_t kLeaveTimer = 4;  // the pause before initiating after a LEAVE
  static constexpr std::uint32_t kAckTimerBase = 0x10000;

 private:
  static TimerId timer(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }
  void initiate(Effects& out);
  // Sends `msg` to `to` as an acknowledged hop; `to == self` means every other node was skipped.
  void pass_on(Message msg, NodeId to, Effects& out);
  void handle_election(const Message& msg, Effects& out);
  void handle_elected(const Message& msg, Effects& out);
  void apply_winner(NodeId winner, ElectionId election, Effects& out);
  ElectionId own_election() const { return {self_, my_term_}; }
  // `why`: a reason (because(...)) with the fields it names.
  void become_master(Effects& out, Note why);
  void follow(NodeId master, Effects& out, Note why);
  void handle_leave(NodeId from, LocalTime now, Effects& out);
  void revive(NodeId id, Effects& out, Note how);
  bool is_member(NodeId id) const;
  // The id an ELECTION or ELECTED names that is no member's: its initiator, or else its best or
  // winner (kNoNode, nobody, is allowed there). Nullopt when both are members.
  std::optional<std::int64_t> foreign_id(const Message& msg) const;

  NodeId self_;
  bool can_be_master_;
  RingConfig cfg_;
  Rng rng_;
  std::vector<NodeId> members_;
  AckSender hops_;
  std::uint32_t seq_ = 1;

  State state_ = State::kFollower;
  LocalTime now_;                // the time of the call being handled
  NodeId master_ = kNoNode;
  std::uint32_t my_term_ = 0;     // number of this node's latest initiated election
  std::uint32_t stamp_ = 0;       // this incarnation's random stamp
  bool initiating_ = false;       // its own election is under way (extinction applies)
  // The ELECTION and ELECTED copies already passed on: each election travels the ring once.
  RingCopies seen_election_;
  RingCopies seen_elected_;
  // Heartbeats, failure timer (with master_'s last sign of life), LEAVE, and who said LEAVE and
  // has not been heard in an election since.
  Liveness live_;
};

}  // namespace clocksim::election
