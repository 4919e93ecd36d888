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
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/core/layers.hpp"
#include "algorithms/election/common/election_setup.hpp"

namespace clocksim::election {

struct StandbyConfig {
  NodeId primary;
  NodeId secondary;
  Duration heartbeat_period;
  Duration standby_timeout;
  bool resume;  // on_primary_return == "resume"
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
  Role role() const override { return leading_ ? Role::kMaster : Role::kSlave; }
  NodeId believed_master() const override { return leading_ ? self_ : master_; }

  static constexpr std::uint32_t kHeartbeatTimer = 1;
  static constexpr std::uint32_t kWatchTimer = 2;

 private:
  static TimerId timer(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }
  bool may_take_over() const;
  // Does a master (id, term) outrank another?
  bool outranks(NodeId a, std::uint32_t a_term, NodeId b, std::uint32_t b_term) const;
  void lead(Effects& out, const std::string& why);
  void follow(NodeId master, std::uint32_t term, Effects& out, const std::string& why);
  void heartbeat(Effects& out);

  NodeId self_;
  bool can_be_master_;
  StandbyConfig cfg_;
  bool leading_ = false;
  NodeId master_ = kNoNode;
  std::uint32_t master_term_ = 0;  // term of the master followed (or of our own leadership)
  std::uint32_t term_ = 0;         // highest seen
};

}  // namespace clocksim::election
