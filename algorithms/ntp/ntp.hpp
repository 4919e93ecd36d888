// NTP (RFC 5905) as a sans-IO algorithm: every node is a server (§9.2: it answers mode-3
// requests with mode-4 replies carrying its system variables) and, when it has servers or a
// reference clock, a client that disciplines its own clock:
//
//   poll process (§13)       one timer per association; adaptive interval 2^poll s, iburst;
//   on-wire protocol (§8)    origin check against the last request, four-timestamp sample;
//   clock filter (§10)       clock_filter.hpp;
//   selection (§11.2.1-3)    fitness, intersection, clustering, combining (selection.hpp);
//   clock update (§11.2)     system stratum/root delay/root dispersion/reference id;
//   discipline (§11.3)       discipline.hpp, applied through Effects (step, per-second slew,
//                            set_rate_correction_ppm).
//
// A reference clock is an association of stratum 0 read through Effects::read_reference_clock
// and Algorithm::on_reference; a node with one becomes stratum 1. The reference's time is a typed
// reading handed in by the host, never the host's true time itself.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/ntp/clock_filter.hpp"
#include "algorithms/ntp/config.hpp"
#include "algorithms/ntp/constants.hpp"
#include "algorithms/ntp/discipline.hpp"

namespace clocksim::ntp {

inline constexpr TimerId kNtpAdjustTimer = TimerSpace::make(kSyncTimerPart, 1);
// Association k polls on TimerSpace::make(kSyncTimerPart, kNtpPollTimerBase + k).
inline constexpr std::uint32_t kNtpPollTimerBase = 16;

// One association (§9.1's peer variables that this implementation keeps).
struct Association {
  NodeId server = kNoNode;   // kNoNode: the reference clock
  bool reference = false;
  // From the server's last reply.
  Leap leap = Leap::kNotSynchronized;
  int stratum = kMaxStratum;
  NodeId reference_id = kNoNode;
  double root_delay_s = 0;
  double root_dispersion_s = 0;
  // Poll process.
  std::uint8_t reach = 0;
  int burst = 0;             // requests left in the current burst
  std::optional<std::int64_t> outstanding_xmt_ns;  // our last request's transmit time (origin check)
  ClockFilter filter;
};

class Ntp final : public SyncLayer {
 public:
  Ntp(Membership membership, NtpConfig config, NtpHost host, std::uint64_t seed);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void on_reference(LocalTime now, const ReferenceReading& reading, Effects& out) override;
  // The host's hierarchy (its servers, its reference clock) is the node's own configuration, as
  // ntp.conf is, and wins; a node given neither polls the leader (the leader itself: nobody).
  void lead(LocalTime now, Effects& out) override;
  void follow(NodeId master, LocalTime now, Effects& out) override;
  bool is_master_activity(NodeId from, const Message& msg) const override {
    return msg.type == MsgType::kNtpReply && from == system_peer_;
  }
  Role role() const override;
  NodeId believed_master() const override { return system_peer_; }

  // System variables (§11.2; tests, traces and the daemon's status).
  int stratum() const { return stratum_; }
  Leap leap() const { return leap_; }
  double root_delay_s() const { return root_delay_s_; }
  double root_dispersion_s(LocalTime now) const;
  // When the clock was last set or corrected (RFC 5905, 7.3's reference timestamp), in local time:
  // now for a node serving its own clock, nullopt when there is no such time.
  std::optional<std::int64_t> reference_time_ns(LocalTime now) const;
  double system_offset_s() const { return system_offset_s_; }
  double system_jitter_s() const { return system_jitter_s_; }
  const Discipline& discipline() const { return discipline_; }
  const std::vector<Association>& associations() const { return assocs_; }

 private:
  void configure(std::vector<NodeId> servers, bool reference, LocalTime now, Effects& out);
  void poll(std::size_t k, LocalTime now, Effects& out);
  void arm_poll(std::size_t k, Duration after, Effects& out);
  void serve(LocalTime now, NodeId from, const Message& request, Effects& out) const;
  void receive_reply(LocalTime now, NodeId from, const Message& msg, Effects& out);
  void add_sample(std::size_t k, const struct Sample& s, LocalTime now, Effects& out);
  void select_and_update(LocalTime now, Effects& out);
  bool waits_for_more_servers(std::size_t selectable, LocalTime now, Effects& out);
  double root_distance(const Association& a, LocalTime now) const;
  bool fit(const Association& a, LocalTime now) const;
  void clear_filters(LocalTime now);
  Duration poll_interval(const Association& a) const;
  bool serves_locally() const;

  Membership membership_;
  NtpConfig config_;
  NtpHost host_;
  Rng rng_;
  std::vector<Association> assocs_;
  Discipline discipline_;
  // System variables (§11.2).
  Leap leap_ = Leap::kNotSynchronized;
  int stratum_ = kMaxStratum;
  NodeId system_peer_ = kNoNode;
  NodeId reference_id_ = kNoNode;
  double root_delay_s_ = 0;
  double root_dispersion_s_ = 0;
  double system_offset_s_ = 0;
  double system_jitter_s_ = 0;
  // Local time of the last clock update (RFC 5905's reference time): none before the first, or
  // after a step, which leaves the system unsynchronized with the old value on the old time scale.
  std::optional<std::int64_t> updated_ns_;
  // The system peer's sample last handed to the discipline: each is used once (A.5.5.3).
  std::int64_t last_sample_ns_ = std::numeric_limits<std::int64_t>::min();
  bool have_update_ = false;
  // Local time the first server became selectable while the discipline had no offset yet
  // (startup_wait counts from it); reset when the associations are configured anew.
  std::optional<std::int64_t> first_selectable_ns_;
  bool too_few_sane_ = false;  // the last selection had fewer truechimers than minsane (noted once)
};

}  // namespace clocksim::ntp
