// Static master with a standby (the classic improvement to Berkeley's fixed master): the
// scenario names a primary and a secondary. The primary leads; everyone follows the master whose
// heartbeat (kHeartbeat) they hear. The secondary watches the primary and takes over when it has
// been silent for `standby_timeout`. No election messages exist: the choice was made in advance.
//
// When the primary comes back (`on_primary_return`):
//  - "resume": it leads again at once; the acting secondary hears its heartbeat and steps down.
//  - "stay_secondary": it listens for `standby_timeout` first; hearing the acting master it
//    follows and becomes the standby itself (taking over if that master falls silent), so the
//    cluster does not switch masters twice.
// Two masters that hear each other (after a partition heals) settle by rank: under "resume" the
// primary always wins; under "stay_secondary" the later takeover (higher term) wins, the primary
// on a tie. A node that may not lead (can_be_master = false) never takes over. With both primary
// and secondary down there is no master: that is the limit of a static standby scheme.
//
// Graceful hand-over (the daemon's SIGTERM): the acting master broadcasts LEAVE (subject =
// itself, term). If the primary leaves, the secondary takes over at once instead of waiting out
// `standby_timeout`; if the acting secondary leaves, the primary (when it is up and following it,
// as under "stay_secondary") resumes at once. Nobody else may lead, so when the other of the pair
// is down (or may not lead) the LEAVE leaves the cluster without a master until the primary or
// secondary comes back -- the same limit as above, only reached sooner. Every follower forgets
// the leaver and adopts the next heartbeating master. The LEAVE is a sender's last message, so a
// heartbeat from the leaver after it comes from a restarted node and is followed as usual. A
// LEAVE from anyone but the node's own master is ignored. The new master's first heartbeat
// relays the LEAVE (flag kRelaysLeave, value = the leaver): it races the LEAVE itself, and a node
// that still follows the leaver (under "resume" a primary outranks the secondary) would otherwise
// ignore it and wait a heartbeat period for the next one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/core/layers.hpp"
#include "algorithms/election/common/election_setup.hpp"
#include "algorithms/election/common/liveness.hpp"

namespace clocksim::election {

struct StandbyConfig {
  NodeId primary;
  NodeId secondary;
  Duration heartbeat_period;
  Duration failure_timeout;  // standby_timeout
  std::string on_primary_return;
  bool resume() const { return on_primary_return == "resume"; }
  static StandbyConfig from(const ParamSet& params);
};
const std::vector<ParamSpec>& standby_param_specs();

class StandbyElection final : public ElectionLayer {
 public:
  explicit StandbyElection(const ElectionSetup& setup);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void on_master_activity(NodeId master, LocalTime now, Effects& out) override;
  // The acting master says LEAVE so that the other of the pair leads at once.
  void on_shutdown(LocalTime now, Effects& out) override;
  Role role() const override { return leading_ ? Role::kMaster : Role::kSlave; }
  NodeId believed_master() const override { return leading_ ? self_ : master_; }

  static constexpr std::uint32_t kHeartbeatTimer = 1;
  static constexpr std::uint32_t kWatchTimer = 2;
  // Message::flags bit of kHeartbeat: the sender took over because node `value_ns` said LEAVE.
  static constexpr std::uint16_t kRelaysLeave = 1;

 private:
  bool may_take_over() const;
  // Does a master (id, term) outrank another?
  bool outranks(NodeId a, std::uint32_t a_term, NodeId b, std::uint32_t b_term) const;
  // `why`: a reason (because(...)) with the fields it names.
  void lead(Effects& out, Note why);
  void follow(NodeId master, std::uint32_t term, Effects& out, NoteWhy why);
  void heartbeat(Effects& out);
  void handle_leave(NodeId from, Effects& out);

  NodeId self_;
  bool can_be_master_;
  StandbyConfig cfg_;
  bool leading_ = false;
  NodeId master_ = kNoNode;
  std::uint32_t master_term_ = 0;  // term of the master followed (or of our own leadership)
  std::uint32_t term_ = 0;         // highest seen
  NodeId relay_leaver_ = kNoNode;  // the leaver our next heartbeat names (after a LEAVE takeover)
  Liveness live_;                  // heartbeats, the watch on the master, LEAVE
};

}  // namespace clocksim::election
